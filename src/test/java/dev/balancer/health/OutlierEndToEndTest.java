package dev.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Outlier detection on answers, against real backends answering 5xx, and its cap. */
@ThroughBothFrontEnds
class OutlierEndToEndTest {
    @RegisterExtension
    final Servers servers;

    OutlierEndToEndTest(FrontEnd frontEnd) {
        this.servers = new Servers(frontEnd);
    }

    private static long ejected(BackendPool pool) {
        return pool.snapshot().members().stream()
                .filter(b -> pool.snapshot().state(b).status() == BackendStatus.EJECTED).count();
    }

    @Test
    void consecutive5xxEjectABackendButNeverMoreThanMaxEjectionPercent() throws Exception {
        List<TestBackend> backends = servers.backends(2);
        TestBalancer balancer = servers.balancer(backends, "ejectOn5xx", "2", "failTimeout", "60s");
        BackendPool pool = balancer.pool();
        // Both answer 500 to every one of these: each reaches its streak of 2, but 50% of 2 lets only one go.
        for (int i = 0; i < 6; i++) {
            assertThat(Http.get(balancer.url() + "/status/500").statusCode()).isEqualTo(500);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> ejected(pool) == 1);
        TestBackend survivor = backends.stream()
                .filter(b -> pool.snapshot().available().stream().anyMatch(m -> m.url().getPort() == b.port()))
                .findFirst().orElseThrow();
        for (int i = 0; i < 10; i++) {
            assertThat(Http.get(balancer.url() + "/x").statusCode()).isEqualTo(200);
        }
        assertThat(survivor.requests("/x")).isEqualTo(10);
        assertThat(ejected(pool)).isEqualTo(1);
    }
}
