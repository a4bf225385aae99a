package dev.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.backend.BackendState;
import dev.balancer.backend.BackendStatus;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an active probe sends (method, headers, port) and what answer passes it (statuses, body), on real backends. */
@ThroughBothFrontEnds
class ProbeEndToEndTest {
    @RegisterExtension
    final Servers servers;

    ProbeEndToEndTest(FrontEnd frontEnd) {
        this.servers = new Servers(frontEnd);
    }

    /** A balancer over the backend probing fast; two failures in a row take it out. */
    private TestBalancer probing(TestBackend backend, String... keyValues) throws Exception {
        List<String> params = new ArrayList<>(List.of("healthCheckInterval", "100ms", "healthCheckTimeout", "100ms",
                "unhealthyThreshold", "2", "panicThreshold", "0"));
        params.addAll(List.of(keyValues));
        return servers.balancer(backend.url(), params.toArray(String[]::new));
    }

    private static BackendState state(TestBalancer balancer) {
        return balancer.pool().snapshot().state(balancer.pool().snapshot().members().get(0));
    }

    /** Passed probes: four answered means at least three recorded, one more than it takes to go out. */
    private static void awaitProbes(TestBackend backend, String path) {
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests(path) >= 4);
    }

    private static void awaitUnhealthy(TestBalancer balancer) {
        await().atMost(Duration.ofSeconds(5)).until(() -> state(balancer).status() == BackendStatus.UNHEALTHY);
    }

    @Test
    void theStatusListDecidesWhichAnswersPass() throws Exception {
        TestBackend backend = servers.backend("b0");
        TestBalancer notFoundIsFine = probing(backend, "healthCheckPath", "/status/404", "healthCheckStatus", "200-299, 404");
        TestBalancer only200 = probing(backend, "healthCheckPath", "/status/204", "healthCheckStatus", "200");
        awaitUnhealthy(only200);
        assertThat(state(only200).reason()).isEqualTo("2 consecutive probe failures: status 204");
        awaitProbes(backend, "/status/404");
        assertThat(state(notFoundIsFine).status()).isEqualTo(BackendStatus.HEALTHY);
    }

    @Test
    void headersAreSentAndTheBodyMustContainTheText() throws Exception {
        TestBackend backend = servers.backend("b0");
        String headers = "Host: app.local; X-Probe: 1";
        TestBalancer matching = probing(backend, "healthCheckPath", "/headers", "healthCheckHeaders", headers,
                "healthCheckBody", "host: app.local\nx-probe: 1");
        TestBalancer other = probing(backend, "healthCheckPath", "/headers", "healthCheckHeaders", headers,
                "healthCheckBody", "x-probe: 2");
        awaitUnhealthy(other);
        assertThat(state(other).reason()).isEqualTo("2 consecutive probe failures: status 200, body without the expected text");
        assertThat(backend.requests("/headers")).isGreaterThanOrEqualTo(4);
        assertThat(state(matching).status()).isEqualTo(BackendStatus.HEALTHY);
    }

    @Test
    void headProbesSendHead() throws Exception {
        TestBackend backend = servers.backend("b0");
        TestBalancer head = probing(backend, "healthCheckPath", "/method/HEAD", "healthCheckMethod", "HEAD");
        TestBalancer get = probing(backend, "healthCheckPath", "/method/HEAD");
        awaitUnhealthy(get);
        assertThat(state(get).reason()).isEqualTo("2 consecutive probe failures: status 405");
        awaitProbes(backend, "/method/HEAD");
        assertThat(state(head).status()).isEqualTo(BackendStatus.HEALTHY);
    }

    @Test
    void probesGoToTheHealthCheckPortNotTheTrafficPort() throws Exception {
        TestBackend app = servers.backend("app");
        TestBackend management = servers.backend("management");
        TestBalancer balancer = probing(app, "healthCheckPath", "/health", "healthCheckPort", String.valueOf(management.port()));
        await().atMost(Duration.ofSeconds(5)).until(() -> management.requests("/health") >= 1);
        management.healthy(false);
        awaitUnhealthy(balancer);
        assertThat(app.requests("/health")).as("the traffic port, healthy all along, was never probed").isZero();
    }
}
