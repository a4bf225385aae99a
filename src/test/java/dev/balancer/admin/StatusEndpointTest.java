package dev.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.balancer.backend.Backend;
import dev.balancer.config.BackendSpec;
import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /_balancer/status}, {@code /health}, drain/enable and the routing of admin paths, over real HTTP. */
@ThroughBothFrontEnds
class StatusEndpointTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    StatusEndpointTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    static String id(TestBackend backend) {
        return "127.0.0.1:" + backend.port();
    }

    @Test
    void statusListsEveryBackendWithCountsThatMatchTheRequestsSent() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        TestBackend c = servers.keep(new TestBackend("c"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends",
                a.url() + " weight=1, " + b.url() + " weight=1, " + c.url() + " backup")));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        for (int i = 0; i < 6; i++) {
            assertThat(Http.get(balancer.url() + "/ok").statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(Http.get(balancer.url() + "/status/404").statusCode()).isEqualTo(404);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(Http.get(balancer.url() + "/status/503").statusCode()).isEqualTo(503);
        }

        // Round robin over two equal primaries: every second request each. Counts land when each exchange
        // completes, which may be just after the client has read the response.
        await().untilAsserted(() -> assertThat(admin.status().at("/requests/total").asLong()).isEqualTo(10));
        JsonNode status = admin.status();
        assertThat(status.get("pool").asText()).isEqualTo("balancer");
        assertThat(status.get("strategy").asText()).isEqualTo("round-robin");
        assertThat(status.get("available").asInt()).isEqualTo(2);
        assertThat(status.at("/requests/2xx").asLong()).isEqualTo(6);
        assertThat(status.at("/requests/4xx").asLong()).isEqualTo(2);
        assertThat(status.at("/requests/5xx").asLong()).isEqualTo(2);
        assertThat(status.get("backends")).extracting(n -> n.get("id").asText()).containsExactly(id(a), id(b), id(c));
        for (TestBackend primary : List.of(a, b)) {
            JsonNode backend = admin.backend(id(primary));
            assertThat(backend.get("url").asText()).isEqualTo(primary.url());
            assertThat(backend.get("state").asText()).isEqualTo("healthy");
            assertThat(backend.get("reason").asText()).isEqualTo("started");
            assertThat(Instant.parse(backend.get("since").asText())).isBefore(Instant.now().plusSeconds(1));
            assertThat(backend.get("weight").asInt()).isEqualTo(1);
            assertThat(backend.get("effectiveWeight").asInt()).isEqualTo(1);
            assertThat(backend.get("inFlight").asInt()).isZero();
            assertThat(backend.at("/requests/total").asLong()).isEqualTo(5).isEqualTo(primary.requests());
            assertThat(backend.at("/requests/2xx").asLong()).isEqualTo(3);
            assertThat(backend.at("/requests/4xx").asLong()).isEqualTo(1);
            assertThat(backend.at("/requests/5xx").asLong()).isEqualTo(1);
            assertThat(backend.at("/requests/3xx").asLong()).isZero();
            assertThat(backend.get("failures").asLong()).isZero();
            assertThat(backend.get("lastProbe").isNull()).isTrue();
            assertThat(backend.at("/latencyMs/samples").asInt()).isEqualTo(5);
            assertThat(backend.at("/latencyMs/ewma").asDouble()).isPositive();
            assertThat(backend.at("/latencyMs/p50").asDouble()).isPositive()
                    .isLessThanOrEqualTo(backend.at("/latencyMs/p99").asDouble());
        }
        JsonNode backup = admin.backend(id(c));
        assertThat(backup.get("state").asText()).isEqualTo("backup");
        assertThat(backup.get("backup").asBoolean()).isTrue();
        assertThat(backup.at("/requests/total").asLong()).isZero();
        assertThat(backup.at("/latencyMs/p50").isNull()).isTrue();
    }

    @Test
    void statusFollowsABackendGoingDownAndComingBackThroughActiveProbes() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + "," + b.url(),
                "healthCheckPath", "/health", "healthCheckInterval", "100ms", "healthCheckTimeout", "100ms",
                "unhealthyThreshold", "2", "healthyThreshold", "2")));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        await().untilAsserted(() -> assertThat(admin.backend(id(a)).at("/lastProbe/passed").asBoolean()).isTrue());
        JsonNode probed = admin.backend(id(a)).get("lastProbe");
        assertThat(probed.get("detail").asText()).isEqualTo("status 200");
        assertThat(probed.get("durationMs").asDouble()).isPositive();
        assertThat(Instant.parse(probed.get("at").asText())).isBefore(Instant.now().plusSeconds(1));

        a.healthy(false);
        await().untilAsserted(() -> assertThat(admin.backend(id(a)).get("state").asText()).isEqualTo("unhealthy"));
        JsonNode down = admin.backend(id(a));
        assertThat(down.get("reason").asText()).contains("probe");
        assertThat(down.at("/lastProbe/passed").asBoolean()).isFalse();
        assertThat(down.at("/lastProbe/detail").asText()).isEqualTo("status 503");
        assertThat(admin.status().get("available").asInt()).isEqualTo(1);
        int before = a.requests();
        for (int i = 0; i < 4; i++) {
            assertThat(Http.get(balancer.url() + "/x").body()).startsWith("b ");
        }
        assertThat(a.requests()).isEqualTo(before);

        a.healthy(true);
        await().untilAsserted(() -> assertThat(admin.backend(id(a)).get("state").asText()).isEqualTo("healthy"));
        JsonNode up = admin.backend(id(a));
        assertThat(up.get("reason").asText()).contains("probe");
        assertThat(Instant.parse(up.get("since").asText())).isAfter(Instant.parse(down.get("since").asText()));
        assertThat(up.at("/lastProbe/passed").asBoolean()).isTrue();
        for (int i = 0; i < 4; i++) {
            Http.get(balancer.url() + "/x");
        }
        assertThat(a.requests()).isEqualTo(before + 2);
        await().untilAsserted(() -> assertThat(admin.backend(id(a)).at("/requests/2xx").asLong()).isEqualTo(2));
    }

    @Test
    void refusedAttemptsCountAsFailuresAndPassiveEjectionShows() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        String aId = id(a); // a stopped server has no port
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + "," + b.url(), "maxFails", "2")));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        a.stop();
        // Every request is answered by b: those picked for a are refused there and retried on b.
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = Http.get(balancer.url() + "/x");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("b ");
        }
        await().untilAsserted(() -> assertThat(admin.backend(id(b)).at("/requests/2xx").asLong()).isEqualTo(6));
        JsonNode refused = admin.backend(aId);
        assertThat(refused.get("state").asText()).isEqualTo("ejected");
        assertThat(refused.get("reason").asText()).isNotEmpty();
        assertThat(refused.get("failures").asLong()).isEqualTo(2);
        assertThat(refused.at("/requests/none").asLong()).isEqualTo(2);
        assertThat(refused.at("/requests/total").asLong()).isEqualTo(2);
        assertThat(admin.status().at("/requests/2xx").asLong()).isEqualTo(6);
        assertThat(admin.metrics().value("balancer_backend_ejections_total", Map.of("backend", aId))).isEqualTo(1);
        assertThat(admin.metrics().value("balancer_retries_total", Map.of())).isEqualTo(2);
    }

    /** Discovery may remove a backend while an operator drains it: that is "no such backend", not a server error. */
    @Test
    void drainingABackendThatLeavesThePoolMeanwhileAnswers404() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + "," + b.url())));
        // Transition listeners run on the thread that made the change: the backend is gone before the report is built.
        balancer.pool().onTransition(transition -> balancer.pool().updateMembers(List.of(BackendSpec.parse(b.url()))));
        HttpResponse<String> drained = new AdminClient(balancer.url() + "/_balancer").post("/backends/" + id(a) + "/drain");
        assertThat(drained.statusCode()).isEqualTo(404);
        assertThat(drained.body()).contains("no backend " + id(a));
    }

    @Test
    void drainStopsNewRequestsAndEnableBringsThemBack() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + "," + b.url())));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        HttpResponse<String> drained = admin.post("/backends/" + id(a) + "/drain");
        assertThat(drained.statusCode()).isEqualTo(200);
        JsonNode report = AdminClient.json(drained.body());
        assertThat(report.get("id").asText()).isEqualTo(id(a));
        assertThat(report.get("state").asText()).isEqualTo("draining");
        assertThat(report.get("reason").asText()).isEqualTo("drained by operator");
        assertThat(admin.backend(id(a)).get("state").asText()).isEqualTo("draining");
        assertThat(balancer.pool().snapshot().available()).extracting(Backend::id).containsExactly(id(b));
        for (int i = 0; i < 4; i++) {
            assertThat(Http.get(balancer.url() + "/x").body()).startsWith("b ");
        }
        assertThat(a.requests()).isZero();

        HttpResponse<String> enabled = admin.post("/backends/" + id(a) + "/enable");
        assertThat(enabled.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(enabled.body()).get("state").asText()).isEqualTo("healthy");
        assertThat(AdminClient.json(enabled.body()).get("reason").asText()).isEqualTo("enabled by operator");
        for (int i = 0; i < 4; i++) {
            Http.get(balancer.url() + "/x");
        }
        assertThat(a.requests()).isEqualTo(2);
    }

    @Test
    void healthIs503OnlyWhileNoBackendIsAvailableAndBackupsCount() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend c = servers.keep(new TestBackend("c"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + "," + c.url() + " backup")));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        HttpResponse<String> up = admin.get("/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(up.body()).get("status").asText()).isEqualTo("up");
        assertThat(admin.backend(id(c)).get("state").asText()).isEqualTo("backup");

        admin.post("/backends/" + id(a) + "/drain");
        // The backup takes over: still up, and no longer shown as an idle backup.
        assertThat(admin.get("/health").statusCode()).isEqualTo(200);
        assertThat(admin.backend(id(c)).get("state").asText()).isEqualTo("healthy");
        assertThat(Http.get(balancer.url() + "/x").body()).startsWith("c ");

        admin.post("/backends/" + id(c) + "/drain");
        HttpResponse<String> down = admin.get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(AdminClient.json(down.body()).get("status").asText()).isEqualTo("down");
        assertThat(AdminClient.json(down.body()).get("available").asInt()).isZero();

        admin.post("/backends/" + id(a) + "/enable");
        assertThat(admin.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void adminPathsAreProxiedLikeAnyOtherWhenAdminIsOff() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url(), "admin", "false")));
        assertThat(Http.get(balancer.url() + "/_balancer/status").body()).isEqualTo("a GET /_balancer/status");
        assertThat(Http.get(balancer.url() + "/_balancer/health").body()).isEqualTo("a GET /_balancer/health");
    }

    @Test
    void adminPathIsConfigurableAndRelativeToTheServletMapping() throws Exception {
        assumeTrue(frontEnd == FrontEnd.SERVLET, "only a servlet has a mapping");
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url(), "adminPath", "/ops/lb"), "/api/*"));
        AdminClient admin = new AdminClient(balancer.url() + "/api/ops/lb");
        assertThat(admin.status().get("backends")).hasSize(1);
        assertThat(admin.get("/health").statusCode()).isEqualTo(200);
        // The default path and look-alikes are ordinary requests now.
        assertThat(Http.get(balancer.url() + "/api/_balancer/status").body()).isEqualTo("a GET /api/_balancer/status");
        assertThat(Http.get(balancer.url() + "/api/ops/lbx").body()).isEqualTo("a GET /api/ops/lbx");
        assertThat(Http.get(balancer.url() + "/ops/lb/status").statusCode()).isEqualTo(404); // outside the servlet
    }

    @Test
    void unknownAdminPathsAnswer404AndActionsTakePostOnly() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        HttpResponse<String> unknown = admin.get("/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(AdminClient.json(unknown.body()).get("error").asText()).contains("/nothing-here");
        HttpResponse<String> get = admin.get("/backends/" + id(a) + "/drain");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(admin.post("/status").statusCode()).isEqualTo(405);
        assertThat(admin.post("/backends/127.0.0.1:1/drain").statusCode()).isEqualTo(404);
        assertThat(a.requests()).isZero();
        assertThat(admin.backend(id(a)).get("state").asText()).isEqualTo("healthy");
    }

    @Test
    void crossSiteActionsAreRefused() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));
        String drain = balancer.url() + "/_balancer/backends/" + id(a) + "/drain";

        HttpResponse<String> fromElsewhere = Http.send(HttpRequest.newBuilder(URI.create(drain))
                .header("Origin", "http://attacker.example").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(fromElsewhere.statusCode()).isEqualTo(403);
        HttpResponse<String> fetchMetadata = Http.send(HttpRequest.newBuilder(URI.create(drain))
                .header("Sec-Fetch-Site", "cross-site").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(fetchMetadata.statusCode()).isEqualTo(403);
        assertThat(balancer.pool().snapshot().available()).hasSize(1);

        HttpResponse<String> sameOrigin = Http.send(HttpRequest.newBuilder(URI.create(drain))
                .header("Origin", balancer.url()).header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(sameOrigin.statusCode()).isEqualTo(200);
        assertThat(balancer.pool().snapshot().available()).isEmpty();
    }

    @Test
    void statusPageIsServedFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));

        HttpResponse<String> redirect = Http.get(balancer.url() + "/_balancer");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/_balancer/"));
        HttpResponse<String> page = Http.get(balancer.url() + "/_balancer/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(StatusPage.CONTENT_SECURITY_POLICY);
        assertThat(page.body()).contains("<script src=\"page.js\"").doesNotContain("http://", "https://");
        HttpResponse<String> script = Http.get(balancer.url() + "/_balancer/page.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(script.body()).contains("fetch('status'").doesNotContain("innerHTML");
        HttpResponse<String> charts = Http.get(balancer.url() + "/_balancer/charts.js");
        assertThat(charts.statusCode()).isEqualTo(200);
        assertThat(charts.body()).contains("createElementNS").doesNotContain("innerHTML");
        HttpResponse<String> history = Http.get(balancer.url() + "/_balancer/history");
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(history.body()).get("intervalSeconds").asInt()).isEqualTo(5);
        assertThat(a.requests()).isZero();
    }
}
