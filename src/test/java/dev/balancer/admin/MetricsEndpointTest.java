package dev.balancer.admin;

import static dev.balancer.admin.StatusEndpointTest.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.ProbeResult;
import dev.balancer.servlet.BalancingProxyServlet;
import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.PrometheusText;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /_balancer/metrics}: Prometheus text whose series move with real traffic, checked line by line. */
@ThroughBothFrontEnds
class MetricsEndpointTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    MetricsEndpointTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    private static Map<String, String> labels(String... pairs) {
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            labels.put(pairs[i], pairs[i + 1]);
        }
        return labels;
    }

    @Test
    void requestCountersAndDurationHistogramCountWhatWasSent() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + "," + b.url())));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        HttpResponse<String> empty = admin.get("/metrics");
        assertThat(empty.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        PrometheusText before = PrometheusText.parse(empty.body());
        assertThat(before.value("balancer_backend_requests_total", labels("pool", "balancer", "backend", id(a), "code", "2xx"))).isZero();

        for (int i = 0; i < 6; i++) {
            Http.get(balancer.url() + "/ok");
        }
        for (int i = 0; i < 2; i++) {
            Http.get(balancer.url() + "/status/404");
        }
        // Counted when each exchange completes, which may be just after its client has read the response.
        await().untilAsserted(() -> {
            PrometheusText counted = admin.metrics();
            assertThat(counted.value("balancer_requests_total", labels("pool", "balancer", "code", "4xx"))).isEqualTo(2);
            assertThat(counted.value("balancer_requests_total", labels("pool", "balancer", "code", "2xx"))).isEqualTo(6);
        });
        PrometheusText metrics = admin.metrics();
        assertThat(metrics.value("balancer_requests_total", labels("code", "5xx"))).isZero();
        for (TestBackend backend : List.of(a, b)) {
            Map<String, String> of = labels("pool", "balancer", "backend", id(backend));
            assertThat(metrics.value("balancer_backend_requests_total", with(of, "code", "2xx"))).isEqualTo(3);
            assertThat(metrics.value("balancer_backend_requests_total", with(of, "code", "4xx"))).isEqualTo(1);
            assertThat(metrics.value("balancer_backend_failures_total", of)).isZero();
            assertThat(metrics.value("balancer_backend_request_duration_seconds_count", of)).isEqualTo(4);
            assertThat(metrics.value("balancer_backend_request_duration_seconds_bucket", with(of, "le", "+Inf"))).isEqualTo(4);
            assertThat(metrics.value("balancer_backend_request_duration_seconds_sum", of)).isPositive();
            assertThat(metrics.value("balancer_backend_in_flight", of)).isZero();
            assertThat(metrics.value("balancer_backend_effective_weight", of)).isEqualTo(1);
            assertThat(metrics.value("balancer_backend_state", with(of, "state", "healthy"))).isEqualTo(1);
            assertThat(metrics.find("balancer_backend_state", of)).hasSize(ShownState.LABELS.size())
                    .filteredOn(s -> s.value() == 1).hasSize(1);
        }
        assertThat(metrics.value("balancer_backends_available", labels("pool", "balancer"))).isEqualTo(2);
        // Every series is ours and carries the pool label.
        assertThat(metrics.samples()).allSatisfy(sample -> {
            assertThat(sample.name()).startsWith("balancer_");
            assertThat(sample.labels()).containsEntry("pool", "balancer");
        });
    }

    @Test
    void inFlightStateEjectionsRetriesAndProbesAreExposed() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", "http://127.0.0.1:" + closed + "," + a.url())));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        BackendPool pool = balancer.pool();
        String dead = "127.0.0.1:" + closed;

        // Round robin sends one of two requests to the dead backend: refused, retried on a.
        assertThat(Http.get(balancer.url() + "/x").body()).startsWith("a ");
        assertThat(Http.get(balancer.url() + "/y").body()).startsWith("a ");
        await().untilAsserted(() -> assertThat(admin.metrics().value("balancer_retries_total", labels("pool", "balancer"))).isEqualTo(1));
        PrometheusText afterRetry = admin.metrics();
        assertThat(afterRetry.value("balancer_backend_failures_total", labels("backend", dead))).isEqualTo(1);
        assertThat(afterRetry.value("balancer_backend_requests_total", labels("backend", dead, "code", "none"))).isEqualTo(1);

        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> Http.get(balancer.url() + "/hold"));
        await().until(() -> a.holding() == 1);
        assertThat(admin.metrics().value("balancer_backend_in_flight", labels("backend", id(a)))).isEqualTo(1);
        a.release();
        assertThat(held.get().statusCode()).isEqualTo(200);
        await().untilAsserted(() -> assertThat(admin.metrics().value("balancer_backend_in_flight", labels("backend", id(a)))).isZero());

        Backend deadBackend = pool.find(dead).orElseThrow();
        pool.transition(deadBackend, BackendStatus.EJECTED, "1 failure in 10s");
        PrometheusText ejected = admin.metrics();
        assertThat(ejected.value("balancer_backend_ejections_total", labels("backend", dead))).isEqualTo(1);
        assertThat(ejected.value("balancer_backend_state", labels("backend", dead, "state", "ejected"))).isEqualTo(1);
        assertThat(ejected.value("balancer_backend_state", labels("backend", dead, "state", "healthy"))).isZero();
        assertThat(ejected.value("balancer_backends_available", labels())).isEqualTo(1);
        pool.transition(deadBackend, BackendStatus.HEALTHY, "ejection over");
        pool.transition(deadBackend, BackendStatus.EJECTED, "1 failure in 10s");
        assertThat(admin.metrics().value("balancer_backend_ejections_total", labels("backend", dead))).isEqualTo(2);

        pool.probeEnded(pool.find(id(a)).orElseThrow(), new ProbeResult(true, "status 200", Instant.now(), 3_000_000));
        pool.probeEnded(deadBackend, new ProbeResult(false, "timeout", Instant.now(), 2_000_000_000L));
        PrometheusText probed = admin.metrics();
        assertThat(probed.value("balancer_health_probe_duration_seconds_count", labels("backend", id(a), "result", "pass"))).isEqualTo(1);
        assertThat(probed.value("balancer_health_probe_duration_seconds_sum", labels("backend", id(a), "result", "pass"))).isEqualTo(0.003);
        assertThat(probed.value("balancer_health_probe_duration_seconds_bucket", labels("backend", dead, "result", "fail", "le", "1.0"))).isZero();
        assertThat(probed.value("balancer_health_probe_duration_seconds_bucket", labels("backend", dead, "result", "fail", "le", "2.5"))).isEqualTo(1);

        admin.post("/backends/" + id(a) + "/drain");
        assertThat(admin.metrics().value("balancer_backend_state", labels("backend", id(a), "state", "draining"))).isEqualTo(1);
    }

    @Test
    void twoBalancersInOneContainerKeepTheirMetricsApart() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBackend b = servers.keep(new TestBackend("b"));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        for (String[] pool : new String[][] {{"east", a.url()}, {"west", b.url()}}) {
            ServletHolder holder = new ServletHolder(pool[0], new BalancingProxyServlet());
            holder.setAsyncSupported(true);
            holder.setInitParameter("backends", pool[1]);
            holder.setInitParameter("stripPrefix", "true");
            context.addServlet(holder, "/" + pool[0] + "/*");
        }
        server.setHandler(context);
        server.start();
        servers.keep(server::stop);
        String base = "http://127.0.0.1:" + connector.getLocalPort();

        for (int i = 0; i < 3; i++) {
            assertThat(Http.get(base + "/east/x").body()).isEqualTo("a GET /x");
        }
        assertThat(Http.get(base + "/west/x").body()).isEqualTo("b GET /x");

        AdminClient east = new AdminClient(base + "/east/_balancer");
        AdminClient west = new AdminClient(base + "/west/_balancer");
        await().untilAsserted(() -> assertThat(east.metrics().value("balancer_requests_total", labels("code", "2xx"))).isEqualTo(3));
        await().untilAsserted(() -> assertThat(west.metrics().value("balancer_requests_total", labels("code", "2xx"))).isEqualTo(1));
        assertThat(east.metrics().samples()).allSatisfy(s -> assertThat(s.labels()).containsEntry("pool", "east"));
        assertThat(west.metrics().samples()).allSatisfy(s -> assertThat(s.labels()).containsEntry("pool", "west"));
        assertThat(east.status().get("backends")).extracting(n -> n.get("id").asText()).containsExactly(id(a));
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(labels);
        more.put(name, value);
        return more;
    }
}
