package dev.balancer.admin;

import static dev.balancer.admin.StatusEndpointTest.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Adding, re-weighting and removing backends through the admin API, with real servers and traffic flowing. */
@ThroughBothFrontEnds
class BackendChangesTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    BackendChangesTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    private static boolean listed(AdminClient admin, String id) {
        for (JsonNode backend : admin.status().get("backends")) {
            if (backend.get("id").asText().equals(id)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void addReweightAndRemoveUnderLoadFailNoRequestAndTheSplitFollowsTheNewWeights() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        TestBackend c = servers.keep(new TestBackend("c"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + "," + b.url())));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        List<CompletableFuture<Void>> load = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            load.add(CompletableFuture.runAsync(() -> {
                // Bounded: at most 2000 requests a thread, whatever happens to the test.
                for (int i = 0; i < 2000 && !stop.get(); i++) {
                    HttpResponse<String> response = Http.get(balancer.url() + "/load");
                    sent.incrementAndGet();
                    if (response.statusCode() != 200) {
                        synchronized (failures) {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    }
                }
            }));
        }
        await().until(() -> sent.get() > 50);

        HttpResponse<String> added = admin.post("/backends", "{\"url\": \"" + c.url() + "/\", \"weight\": 1}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        JsonNode entry = AdminClient.json(added.body());
        assertThat(entry.get("id").asText()).isEqualTo(id(c));
        assertThat(entry.get("url").asText()).isEqualTo(c.url());
        assertThat(entry.get("state").asText()).isEqualTo("healthy");
        assertThat(added.headers().firstValue("Location")).hasValue("/_balancer/backends/" + id(c));
        await().until(() -> c.requests("/load") > 10);

        long aBefore = admin.backend(id(a)).at("/requests/2xx").asLong();
        HttpResponse<String> reweighted = admin.patch("/backends/" + id(a), "{\"weight\": 3}");
        assertThat(reweighted.statusCode()).as(reweighted.body()).isEqualTo(200);
        assertThat(AdminClient.json(reweighted.body()).get("weight").asInt()).isEqualTo(3);
        // The same backend, re-weighted: its counters go on from where they were.
        assertThat(AdminClient.json(reweighted.body()).at("/requests/2xx").asLong()).isGreaterThanOrEqualTo(aBefore);

        HttpResponse<String> removed = admin.delete("/backends/" + id(b));
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(202);
        assertThat(AdminClient.json(removed.body()).get("state").asText()).isEqualTo("draining");
        await().until(() -> !listed(admin, id(b)));
        int bAfterRemoval = b.requests("/load");
        await().until(() -> sent.get() > 600);
        stop.set(true);
        CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get();
        assertThat(failures).isEmpty();
        assertThat(b.requests("/load")).isEqualTo(bAfterRemoval);

        // Round robin over a (weight 3) and c (weight 1): three to one.
        for (int i = 0; i < 400; i++) {
            assertThat(Http.get(balancer.url() + "/split").statusCode()).isEqualTo(200);
        }
        assertThat(a.requests("/split")).isBetween(295, 305);
        assertThat(c.requests("/split")).isBetween(95, 105);
        assertThat(b.requests("/split")).isZero();
    }

    @Test
    void aRemovedBackendsLongRequestCompletesThenTheBackendIsForgotten() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + "," + b.url())));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(CompletableFuture.supplyAsync(() -> Http.get(balancer.url() + "/hold")));
        }
        await().until(() -> a.holding() == 1 && b.holding() == 1);

        assertThat(admin.delete("/backends/" + id(a)).statusCode()).isEqualTo(202);
        JsonNode leaving = admin.backend(id(a));
        assertThat(leaving.get("state").asText()).isEqualTo("draining");
        assertThat(leaving.get("inFlight").asInt()).isEqualTo(1);
        assertThat(admin.post("/backends/" + id(a) + "/enable").statusCode()).isEqualTo(409);
        assertThat(admin.patch("/backends/" + id(a), "{\"weight\": 2}").statusCode()).isEqualTo(409);
        for (int i = 0; i < 4; i++) {
            assertThat(Http.get(balancer.url() + "/fresh").body()).isEqualTo("b GET /fresh");
        }

        a.release();
        b.release();
        for (CompletableFuture<HttpResponse<String>> response : held) {
            assertThat(response.get().statusCode()).isEqualTo(200);
        }
        await().until(() -> !listed(admin, id(a)));
        assertThat(admin.delete("/backends/" + id(a)).statusCode()).isEqualTo(404);
        assertThat(a.requests("/fresh")).isZero();
    }

    @Test
    void badRequestsSayWhatIsWrong() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        Map<String, String> badAdds = Map.of(
                "{\"url\": \"ftp://10.0.0.5\"}", "bad url 'ftp://10.0.0.5': scheme must be http or https",
                "{\"url\": \"http://10.0.0.5 weight=3\"}", "url is required",
                "{\"weight\": 2}", "url is required",
                "{\"url\": \"" + a.url() + "\"}", "is already in the pool",
                "{\"url\": \"http://10.0.0.5\", \"weight\": 0}", "weight must be an integer from 1 to 1000, not 0",
                "{\"url\": \"http://10.0.0.5\", \"weight\": 1001}", "weight must be an integer from 1 to 1000",
                "{\"url\": \"http://10.0.0.5\", \"weight\": \"3\"}", "weight must be an integer",
                "{\"url\": \"http://10.0.0.5\", \"backup\": \"yes\"}", "backup must be true or false",
                "{\"url\": \"http://10.0.0.5\", \"wieght\": 2}", "unknown field 'wieght'; allowed: backup, url, weight",
                "{\"url\": \"http://10.0.0.5\",", "not a flat JSON object");
        badAdds.forEach((body, message) -> {
            HttpResponse<String> response = admin.post("/backends", body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(AdminClient.json(response.body()).get("error").asText()).as(body).contains(message);
        });
        assertThat(admin.post("/backends").statusCode()).isEqualTo(415); // no Content-Type: application/json
        assertThat(admin.get("/backends").statusCode()).isEqualTo(405);
        assertThat(admin.patch("/backends/" + id(a), "{}").statusCode()).isEqualTo(400);
        assertThat(admin.patch("/backends/" + id(a), "{\"url\": \"http://x\"}").statusCode()).isEqualTo(400);
        assertThat(admin.patch("/backends/10.9.9.9:80", "{\"weight\": 2}").statusCode()).isEqualTo(404);
        assertThat(admin.delete("/backends/10.9.9.9:80").statusCode()).isEqualTo(404);
        assertThat(balancer.pool().snapshot().members()).hasSize(1);

        HttpResponse<String> backup = admin.patch("/backends/" + id(a), "{\"backup\": true}");
        assertThat(backup.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(backup.body()).get("backup").asBoolean()).isTrue();
        assertThat(AdminClient.json(backup.body()).get("weight").asInt()).isEqualTo(1);
    }

    @Test
    void withDnsDiscoveryThePoolFollowsDnsAndChangesAreRefused() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("discovery", "dns",
                "discoveryHost", "127.0.0.1", "discoveryPort", String.valueOf(a.port()), "discoveryInterval", "1h")));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        await().until(() -> listed(admin, id(a)));
        for (HttpResponse<String> refused : List.of(admin.post("/backends", "{\"url\": \"http://10.0.0.5\"}"),
                admin.patch("/backends/" + id(a), "{\"weight\": 2}"), admin.delete("/backends/" + id(a)))) {
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("the pool follows DNS");
        }
        assertThat(admin.backend(id(a)).get("weight").asInt()).isEqualTo(1);
    }
}
