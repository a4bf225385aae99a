package dev.balancer.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** retryOn answers and perTryTimeout: idempotent requests go elsewhere, a body that left is never sent twice. */
@ThroughBothFrontEnds
class RetryOnAnswersTest {
    @RegisterExtension
    final Servers servers;

    RetryOnAnswersTest(FrontEnd frontEnd) {
        this.servers = new Servers(frontEnd);
    }

    @Test
    void aGatewayErrorIsRetriedOnAnotherBackendForIdempotentRequests() throws Exception {
        TestBackend failing = servers.backend("failing");
        TestBackend good = servers.backend("good");
        failing.failWith(503);
        TestBalancer balancer = servers.balancer(List.of(failing, good), "retryOn", "connect-failure,reset,gateway-error");
        for (int i = 0; i < 10; i++) {
            var response = Http.get(balancer.url() + "/x" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("good ");
        }
        assertThat(failing.requests()).as("round robin sent it every other request, each retried once").isEqualTo(5);
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        assertThat(admin.metrics().value("balancer_retries_total", Map.of())).isEqualTo(5);
        assertThat(admin.metrics().value("balancer_backend_failures_total", Map.of("backend", "127.0.0.1:" + failing.port())))
                .as("an answer is not a connection failure").isZero();
    }

    @Test
    void aPostWhoseBodyLeftIsAnsweredAsTheBackendAnsweredNeverSentTwice() throws Exception {
        TestBackend failing = servers.backend("failing");
        failing.failWith(503);
        TestBackend good = servers.backend("good");
        TestBalancer balancer = servers.balancer(List.of(failing, good), "retryOn", "gateway-error", "strategy", "hash",
                "hashOn", "header:X-Key");
        // Find a key the hash ring gives the failing backend, then post to it.
        String key = null;
        for (int i = 0; key == null && i < 100; i++) {
            int before = failing.requests();
            Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/probe")).header("X-Key", "k" + i).build());
            if (failing.requests() > before) {
                key = "k" + i;
            }
        }
        assertThat(key).isNotNull();
        int posts = failing.requests();
        var response = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/order")).header("X-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("one order")).build());
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(failing.requests()).isEqualTo(posts + 1);
        assertThat(good.requests("/order")).isZero();
    }

    @Test
    void anAttemptSlowerThanPerTryTimeoutIsRetriedElsewhere() throws Exception {
        TestBackend slow = servers.backend("slow");
        TestBackend good = servers.backend("good");
        slow.delay(3_000);
        TestBalancer balancer = servers.balancer(List.of(slow, good), "perTryTimeout", "200ms", "responseTimeout", "10s",
                "maxFails", "1000");
        for (int i = 0; i < 4; i++) {
            var response = Http.get(balancer.url() + "/y" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("good ");
        }
    }
}
