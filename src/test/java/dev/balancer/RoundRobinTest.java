package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@ThroughBothFrontEnds
class RoundRobinTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    RoundRobinTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    private static List<String> answers(TestBalancer balancer, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var response = Http.get(balancer.url() + "/hello?i=" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            names.add(response.body().split(" ")[0]);
        }
        return names;
    }

    @Test
    void thirtyRequestsOverThreeBackendsGiveExactlyTenEach() throws Exception {
        TestBackend a = servers.backend("a");
        TestBackend b = servers.backend("b");
        TestBackend c = servers.backend("c");
        TestBalancer balancer = servers.balancer(Map.of("backends", a.url() + "," + b.url() + "," + c.url()));

        Map<String, Long> counts = answers(balancer, 30).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 10L, "b", 10L, "c", 10L));
        assertThat(List.of(a.requests(), b.requests(), c.requests())).containsExactly(10, 10, 10);
    }

    @Test
    void weightsThreeToOneGiveAnExactAndSmoothSplit() throws Exception {
        TestBackend a = servers.backend("a");
        TestBackend b = servers.backend("b");
        TestBalancer balancer = servers.balancer(Map.of("backends", a.url() + " weight=3, " + b.url()));

        List<String> names = answers(balancer, 400);

        assertThat(a.requests()).isEqualTo(300);
        assertThat(b.requests()).isEqualTo(100);
        // Smooth: b comes every fourth request, never after a burst of four a's.
        assertThat(String.join("", names)).doesNotContain("aaaa").doesNotContain("bb");
    }
}
