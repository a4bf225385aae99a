package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every request carries one id: to the backend, back to the client, and in every error body the balancer writes. */
@ThroughBothFrontEnds
class RequestIdTest {
    private static final String HEX_128 = "[0-9a-f]{32}";
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    RequestIdTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    private static HttpResponse<String> get(String url, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return Http.send(request.build());
    }

    @Test
    void aRequestWithoutAnIdGetsAFreshOneThatTheBackendAndTheClientBothSee() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));
        HttpResponse<String> first = get(balancer.url() + "/one");
        HttpResponse<String> second = get(balancer.url() + "/two");
        String id = first.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches(HEX_128);
        assertThat(second.headers().firstValue("X-Request-Id")).isPresent().get().isNotEqualTo(id);
        assertThat(a.requestIds()).containsOnlyKeys(id, second.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void aSaneIdFromTheClientIsKeptAndSentOnce() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));
        String id = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";
        HttpResponse<String> response = get(balancer.url() + "/headers", "X-Request-Id", id, "X-Request-Id", "second");
        assertThat(response.headers().allValues("X-Request-Id")).containsExactly(id);
        assertThat(response.body().lines().filter(l -> l.startsWith("x-request-id:"))).containsExactly("x-request-id: " + id);
    }

    @Test
    void anIdThatIsTooLongOrCouldBreakALogLineIsReplaced() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));
        for (String bad : new String[] {"x".repeat(129), "two words", "quote\"d", "tab\there"}) {
            HttpResponse<String> response = get(balancer.url() + "/x", "X-Request-Id", bad);
            assertThat(response.headers().firstValue("X-Request-Id")).as(bad).hasValueSatisfying(id -> assertThat(id).matches(HEX_128));
        }
        assertThat(a.requestIds().keySet()).hasSize(4).allMatch(id -> id.matches(HEX_128));
    }

    @Test
    void theHeaderNameIsConfigurable() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url(), "requestIdHeader", "X-Correlation-Id")));
        HttpResponse<String> response = get(balancer.url() + "/headers", "X-Correlation-Id", "corr-1");
        assertThat(response.headers().firstValue("X-Correlation-Id")).hasValue("corr-1");
        assertThat(response.body()).contains("x-correlation-id: corr-1\n");
        assertThat(a.requestIds()).isEmpty(); // no X-Request-Id was made up as well
    }

    @Test
    void errorBodiesTheBalancerWritesCarryTheId() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer noBackend = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + " down")));
        HttpResponse<String> unavailable = get(noBackend.url() + "/x", "X-Request-Id", "client-id-503");
        assertThat(unavailable.statusCode()).isEqualTo(503);
        JsonNode body = AdminClient.json(unavailable.body());
        assertThat(body.get("error").asText()).isEqualTo("no healthy backend");
        assertThat(body.get("requestId").asText()).isEqualTo("client-id-503");
        assertThat(unavailable.headers().firstValue("X-Request-Id")).hasValue("client-id-503");

        HttpResponse<String> generated = get(noBackend.url() + "/x");
        assertThat(AdminClient.json(generated.body()).get("requestId").asText())
                .matches(HEX_128).isEqualTo(generated.headers().firstValue("X-Request-Id").orElseThrow());

        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        TestBalancer refused = servers.keep(new TestBalancer(frontEnd,
                Map.of("backends", "http://127.0.0.1:" + closed, "retries", "0")));
        HttpResponse<String> failed = get(refused.url() + "/x", "X-Request-Id", "client-id-502");
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(AdminClient.json(failed.body()).get("requestId").asText()).isEqualTo("client-id-502");
    }

    @Test
    void w3cTraceContextPassesThroughUntouched() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String tracestate = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
        HttpResponse<String> response = get(balancer.url() + "/headers", "traceparent", traceparent, "tracestate", tracestate);
        assertThat(response.body()).contains("traceparent: " + traceparent + "\n", "tracestate: " + tracestate + "\n");
        assertThat(response.body().lines().filter(l -> l.startsWith("traceparent:"))).hasSize(1);
    }
}
