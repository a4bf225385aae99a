package dev.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A health check failing everywhere at once (say, a shared dependency of /health) must not become 503s for all. */
@ThroughBothFrontEnds
class PanicEndToEndTest {
    @RegisterExtension
    final Servers servers;

    PanicEndToEndTest(FrontEnd frontEnd) {
        this.servers = new Servers(frontEnd);
    }

    @Test
    void whenTooFewAreHealthyTrafficGoesToAllAndStatusAndMetricsSaySo() throws Exception {
        List<TestBackend> backends = servers.backends(2);
        TestBalancer balancer = servers.balancer(backends, "healthCheckPath", "/health", "healthCheckInterval", "100ms",
                "healthCheckTimeout", "100ms", "unhealthyThreshold", "1", "healthyThreshold", "1");
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        assertThat(admin.status().get("panic").asBoolean()).isFalse();

        backends.forEach(backend -> backend.healthy(false));
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.status().get("panic").asBoolean());
        assertThat(admin.metrics().value("balancer_panic", Map.of())).isEqualTo(1.0);
        for (int i = 0; i < 10; i++) {
            assertThat(Http.get(balancer.url() + "/x").statusCode()).isEqualTo(200);
        }
        assertThat(backends).allSatisfy(backend -> assertThat(backend.requests("/x")).isEqualTo(5));

        backends.get(0).healthy(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> !admin.status().get("panic").asBoolean());
        assertThat(admin.metrics().value("balancer_panic", Map.of())).isZero();
        for (int i = 0; i < 10; i++) {
            Http.get(balancer.url() + "/y");
        }
        assertThat(backends.get(0).requests("/y")).isEqualTo(10);
    }
}
