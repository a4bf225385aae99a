package dev.balancer.admin;

import static dev.balancer.admin.StatusEndpointTest.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Draining through the admin API stops a backend's new traffic and lets its in-flight requests finish. */
@ThroughBothFrontEnds
class DrainInFlightTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    DrainInFlightTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    @Test
    void inFlightRequestsOfADrainedBackendCompleteWhileNewOnesGoElsewhere() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + "," + b.url())));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(CompletableFuture.supplyAsync(() -> Http.get(balancer.url() + "/hold")));
        }
        await().until(() -> a.holding() == 2 && b.holding() == 2);
        assertThat(admin.backend(id(a)).get("inFlight").asInt()).isEqualTo(2);

        assertThat(admin.post("/backends/" + id(a) + "/drain").statusCode()).isEqualTo(200);
        assertThat(admin.backend(id(a)).get("state").asText()).isEqualTo("draining");
        assertThat(admin.backend(id(a)).get("inFlight").asInt()).isEqualTo(2);
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> fresh = Http.get(balancer.url() + "/fresh");
            assertThat(fresh.statusCode()).isEqualTo(200);
            assertThat(fresh.body()).isEqualTo("b GET /fresh");
        }
        assertThat(a.requests("/fresh")).isZero();

        a.release();
        b.release();
        for (CompletableFuture<HttpResponse<String>> response : held) {
            assertThat(response.get().statusCode()).isEqualTo(200);
        }
        assertThat(held).extracting(f -> f.get().body().substring(0, 1)).containsExactlyInAnyOrder("a", "a", "b", "b");
        await().untilAsserted(() -> {
            assertThat(admin.backend(id(a)).get("inFlight").asInt()).isZero();
            assertThat(admin.backend(id(a)).at("/requests/2xx").asLong()).isEqualTo(2);
        });
        assertThat(admin.backend(id(a)).get("failures").asLong()).isZero();
        assertThat(admin.backend(id(a)).get("state").asText()).isEqualTo("draining");
    }
}
