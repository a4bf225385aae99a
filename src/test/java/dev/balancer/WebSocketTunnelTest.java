package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.balancer.backend.Backend;
import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.RawWebSocket;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import dev.balancer.testing.WebSocketBackend;
import dev.balancer.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WebSocket pass-through in both front ends: a real WebSocket backend (Jetty's) and a real client (the JDK's) through
 * the balancer. The handshake is balanced like any request; after the backend's 101 the bytes flow both ways until
 * either side closes.
 */
@ThroughBothFrontEnds
class WebSocketTunnelTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    WebSocketTunnelTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    private WebSocketBackend wsBackend(String name) throws Exception {
        return servers.keep(new WebSocketBackend(name));
    }

    private TestBalancer balancer(List<WebSocketBackend> backends, String... keyValues) throws Exception {
        return servers.balancer(String.join(",", backends.stream().map(WebSocketBackend::url).toList()), keyValues);
    }

    @Test
    void textAndBinaryMessagesCrossTheTunnelBothWays() throws Exception {
        WebSocketBackend backend = wsBackend("b0");
        TestBalancer balancer = balancer(List.of(backend));

        try (WsClient client = servers.keep(WsClient.connect(balancer.port(), "/chat"))) {
            client.sendText("hello");
            assertThat(client.next()).isEqualTo("hello");
            client.sendBinary(new byte[] {1, 2, 3, 0, -1});
            assertThat((byte[]) client.next()).containsExactly(1, 2, 3, 0, -1);
            client.sendText("name");
            assertThat(client.next()).isEqualTo("b0");
        }
        var handshake = backend.handshakes().get(0);
        assertThat(handshake.get("Upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(handshake.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(handshake.get("Sec-WebSocket-Key")).isNotBlank();
    }

    @Test
    void aSixteenMebibyteMessageCrossesWhole() throws Exception {
        TestBalancer balancer = balancer(List.of(wsBackend("b0")));
        byte[] message = new byte[16 * 1024 * 1024];
        new Random(16).nextBytes(message);

        try (WsClient client = servers.keep(WsClient.connect(balancer.port(), "/big"))) {
            client.sendBinary(message);
            assertThat((byte[]) client.next()).isEqualTo(message);
        }
        PrometheusBytes bytes = PrometheusBytes.of(balancer);
        assertThat(bytes.upstream()).isGreaterThan(message.length);
        assertThat(bytes.downstream()).isGreaterThan(message.length);
    }

    @Test
    void aCloseFromTheClientClosesTheBackendSessionAndTheTunnel() throws Exception {
        WebSocketBackend backend = wsBackend("b0");
        TestBalancer balancer = balancer(List.of(backend));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        WsClient client = servers.keep(WsClient.connect(balancer.port(), "/chat"));
        client.sendText("ping");
        assertThat(client.next()).isEqualTo("ping");
        assertThat(backend.openSessions()).isEqualTo(1);
        assertThat(admin.metrics().value("balancer_tunnels_active", Map.of())).isEqualTo(1);
        assertThat(admin.status().get("tunnels").get("active").asInt()).isEqualTo(1);
        assertThat(inFlight(balancer)).isEqualTo(1);

        client.socket().sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
        assertThat(client.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(backend.openSessions()).isZero();
            assertThat(admin.metrics().value("balancer_tunnels_active", Map.of())).isZero();
            assertThat(inFlight(balancer)).isZero();
        });
        assertThat(admin.status().get("tunnels").get("upstreamBytes").asLong()).isPositive();
    }

    @Test
    void aCloseFromTheBackendReachesTheClient() throws Exception {
        TestBalancer balancer = balancer(List.of(wsBackend("b0")));

        WsClient client = servers.keep(WsClient.connect(balancer.port(), "/chat"));
        client.sendText("close");
        assertThat(client.closed().get(10, TimeUnit.SECONDS)).isEqualTo(4000);
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(balancer) == 0);
    }

    @Test
    void aBackendKilledMidSessionEndsTheClientsConnection() throws Exception {
        WebSocketBackend backend = wsBackend("b0");
        TestBalancer balancer = balancer(List.of(backend));

        // On a raw socket, as TCP sees it: the JDK's WebSocket client, about once in 75 runs, did not tell its
        // listener of a connection the balancer had ended (its socket stayed in CLOSE-WAIT).
        try (RawWebSocket client = RawWebSocket.connect(balancer.port(), "/chat", RawWebSocket.LIKE_THE_JDK)) {
            assertThat(client.handshake().status()).isEqualTo(101);
            client.sendText("ping");
            assertThat(client.nextText()).isEqualTo("ping");
            backend.close();

            // Jetty's stop may send a close frame (1001) or just close the socket: either way the connection ends.
            client.awaitEnd();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(balancer) == 0);
    }

    /**
     * A browser's handshake carries no Content-Length, and many protocols (graphql-ws, STOMP) speak first once the
     * socket is open. Jetty 12.1's servlet upgrade loses such a tunnel (the client's first frame is parsed as a new
     * HTTP request), so the servlet front end, which runs in Jetty here, answers 501 and says why; Tomcat keeps the
     * tunnel (the container ITs check both).
     */
    @Test
    void aBrowsersHandshakeIsTunnelledAndTheClientMaySpeakFirst() throws Exception {
        WebSocketBackend backend = wsBackend("b0");
        TestBalancer balancer = balancer(List.of(backend));

        try (RawWebSocket client = RawWebSocket.connect(balancer.port(), "/chat", RawWebSocket.LIKE_A_BROWSER)) {
            if (frontEnd == FrontEnd.SERVLET) {
                assertThat(client.handshake().status()).isEqualTo(501);
                assertThat(client.refusalBody()).contains("jetty/12.1").contains("no Content-Length");
                assertThat(backend.handshakes()).isEmpty();
                return;
            }
            assertThat(client.handshake().status()).isEqualTo(101);
            client.sendText("first");
            assertThat(client.nextText()).isEqualTo("first");
            client.sendText("name");
            assertThat(client.nextText()).isEqualTo("b0");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(balancer) == 0);
    }

    @Test
    void theHandshakeGoesToTheStickyBackend() throws Exception {
        List<WebSocketBackend> backends = List.of(wsBackend("b0"), wsBackend("b1"), wsBackend("b2"));
        TestBalancer balancer = balancer(backends, "stickyCookie", "lb");
        // Any answer sets the cookie: the backends answer a plain GET with 404.
        String cookie = Http.get(balancer.url() + "/").headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];

        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            try (WsClient client = servers.keep(WsClient.connect(balancer.port(), "/chat", "Cookie", cookie))) {
                client.sendText("name");
                answered.add((String) client.next());
            }
        }
        assertThat(answered).hasSize(1);
    }

    @Test
    void aRefusedHandshakeIsRelayedAsAnOrdinaryResponse() throws Exception {
        TestBalancer balancer = balancer(List.of(wsBackend("b0")));

        assertThatThrownBy(() -> WsClient.connect(balancer.port(), "/chat?deny"))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
        // The exchange ends once the answer's write completed, which the client may see first (CI once saw 1).
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(balancer) == 0);
        // The connection was not taken over: the next request on the balancer is plain HTTP again.
        assertThat(Http.get(balancer.url() + "/").statusCode()).isEqualTo(404);
    }

    /** Only WebSocket is tunnelled: an h2c upgrade reaches the backend as plain HTTP/1.1, next to a working tunnel. */
    @Test
    void anH2cUpgradeIsAnsweredAsHttp11WhileWebSocketIsTunnelled() throws Exception {
        TestBackend plain = servers.backend("plain");
        TestBalancer balancer = servers.balancer(List.of(plain));
        HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

        HttpResponse<String> response = h2c.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/headers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().toLowerCase()).doesNotContain("upgrade").doesNotContain("http2-settings");

        TestBalancer webSockets = balancer(List.of(wsBackend("b0")));
        try (WsClient client = servers.keep(WsClient.connect(webSockets.port(), "/chat"))) {
            client.sendText("hi");
            assertThat(client.next()).isEqualTo("hi");
        }
    }

    @Test
    void aTunnelIdleForTunnelIdleTimeoutIsClosed() throws Exception {
        WebSocketBackend backend = wsBackend("b0");
        TestBalancer balancer = balancer(List.of(backend), "tunnelIdleTimeout", "300ms");
        WsClient client = servers.keep(WsClient.connect(balancer.port(), "/chat"));
        client.sendText("ping");
        assertThat(client.next()).isEqualTo("ping");

        await().atMost(Duration.ofSeconds(10)).until(() -> client.closed().isDone());
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.openSessions() == 0 && inFlight(balancer) == 0);
    }

    @Test
    void aStopClosesTunnelsLeftAfterTheShutdownTimeout() throws Exception {
        TestBalancer balancer = balancer(List.of(wsBackend("b0")), "shutdownTimeout", "500ms");
        WsClient client = servers.keep(WsClient.connect(balancer.port(), "/chat"));
        client.sendText("ping");
        assertThat(client.next()).isEqualTo("ping");

        long start = System.nanoTime();
        if (frontEnd == FrontEnd.HANDLER) {
            // Jetty's graceful stop waits for every connection of the connector, tunnels included, up to the stop
            // timeout (shutdownTimeout), then closes them: a warning in the log, not a failed stop.
            assertThatCode(balancer::close).doesNotThrowAnyException();
        } else {
            // In a container, destroy() is the stop: the servlet waits for its tunnels, then closes them.
            balancer.servlet().destroy();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.closed().isDone());
    }

    private static int inFlight(TestBalancer balancer) {
        return balancer.pool().snapshot().members().stream().mapToInt(Backend::inFlight).sum();
    }

    /** balancer_tunnel_bytes_total, both directions. */
    private record PrometheusBytes(double upstream, double downstream) {
        static PrometheusBytes of(TestBalancer balancer) {
            var metrics = new AdminClient(balancer.url() + "/_balancer").metrics();
            return new PrometheusBytes(metrics.value("balancer_tunnel_bytes_total", Map.of("direction", "upstream")),
                    metrics.value("balancer_tunnel_bytes_total", Map.of("direction", "downstream")));
        }
    }
}
