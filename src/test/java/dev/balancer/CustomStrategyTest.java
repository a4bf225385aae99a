package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The example in examples/custom-strategy, compiled into the tests, plugged in both documented ways. */
@ThroughBothFrontEnds
class CustomStrategyTest {
    private final FrontEnd frontEnd;

    CustomStrategyTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
    }

    @ParameterizedTest
    @ValueSource(strings = {"com.example.balancer.FirstAvailableStrategy", "first-available"})
    void customStrategyLoadsByClassNameAndByServiceLoaderName(String strategy) throws Exception {
        try (TestBackend first = new TestBackend("first");
             TestBackend second = new TestBackend("second");
             TestBalancer balancer = new TestBalancer(frontEnd, Map.of("backends", first.url() + "," + second.url(), "strategy", strategy))) {
            for (int i = 0; i < 10; i++) {
                assertThat(Http.get(balancer.url() + "/").body()).startsWith("first ");
            }
            assertThat(second.requests()).isZero();
        }
    }
}
