package dev.balancer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigSources;
import dev.balancer.standalone.StandaloneServer;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar's server (embedded Jetty configured by {@link StandaloneServer}) under input no well-behaved client
 * sends. Raw sockets, because HTTP clients refuse to send most of it.
 */
class HostileInputTest {
    private TestBackend backend;
    private StandaloneServer balancer;

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend("a");
    }

    @AfterEach
    void stop() throws Exception {
        if (balancer != null) {
            balancer.stop();
        }
        backend.close();
    }

    private StandaloneServer balancer(String... keyValues) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("backends", backend.url(), "host", "127.0.0.1", "port", "0"));
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        balancer = new StandaloneServer(BalancerConfig.from(new ConfigSources().add("test", values, true))).start();
        return balancer;
    }

    private String head(int port) {
        return "Host: 127.0.0.1:" + port + "\r\n";
    }

    static Stream<Arguments> smuggling() {
        return Stream.of(
                Arguments.of("Content-Length and Transfer-Encoding", "POST /x HTTP/1.1\r\nHOST\r\nContent-Length: 4\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHOST\r\n\r\n"),
                Arguments.of("duplicate Content-Length", "POST /x HTTP/1.1\r\nHOST\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
                Arguments.of("conflicting Content-Length", "POST /x HTTP/1.1\r\nHOST\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc"),
                Arguments.of("obsolete line folding", "GET /x HTTP/1.1\r\nHOST\r\nX-Folded: a\r\n b\r\n\r\n"),
                Arguments.of("bad chunk size", "POST /x HTTP/1.1\r\nHOST\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding other than chunked", "POST /x HTTP/1.1\r\nHOST\r\nTransfer-Encoding: gzip\r\n\r\nabc"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smuggling")
    void smugglingAttemptsGet400AreNeverForwardedAndTheConnectionCloses(String name, String request) throws Exception {
        int port = balancer().port();
        Http.RawAnswer answer = Http.rawExchange(port, request.replace("HOST\r\n", head(port)), 3000);
        assertThat(answer.text()).as(name).startsWith("HTTP/1.1 400");
        assertThat(answer.closed()).as("connection closed after " + name).isTrue();
        assertThat(backend.requests()).as("nothing forwarded").isZero();
        assertThat(backend.requests("/smuggled")).isZero();
    }

    @Test
    void oversizedHeadersGet431AndTooLongUriGet414() throws Exception {
        int port = balancer("maxRequestHeaderSize", "4KiB").port();
        String big = "X-Big: " + "a".repeat(5000) + "\r\n";
        assertThat(Http.raw(port, "GET /x HTTP/1.1\r\n" + head(port) + big + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 431");
        String longUri = "/" + "u".repeat(6000);
        assertThat(Http.raw(port, "GET " + longUri + " HTTP/1.1\r\n" + head(port) + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 414");
        assertThat(backend.requests()).isZero();
    }

    @Test
    void bodyOverTheLimitGets413WithoutBeingForwardedWholeByLengthOrStreamed() throws Exception {
        int port = balancer("maxRequestBodySize", "1KiB").port();
        var declared = Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sha256"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build());
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("maxRequestBodySize");
        assertThat(backend.requests()).isZero();

        // Chunked: no length up front, so the limit applies while the body streams.
        StringBuilder chunked = new StringBuilder("POST /sha256 HTTP/1.1\r\n" + head(port) + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 8; i++) {
            chunked.append("200\r\n").append("c".repeat(512)).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        assertThat(Http.raw(port, chunked.toString())).startsWith("HTTP/1.1 413");
        assertThat(backend.bodyBytes()).as("bytes that reached the backend").isLessThanOrEqualTo(1024);

        var small = Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1000])).build());
        assertThat(small.statusCode()).isEqualTo(200);
    }

    @Test
    void slowHeaderClientIsClosedAfterIdleTimeout() throws Exception {
        int port = balancer("idleTimeout", "500ms").port();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /x HTTP/1.1\r\n" + head(port) + "X-Slow: ").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            byte[] rest = in.readAllBytes();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waited).as("closed after the idle timeout, not before and not much after").isBetween(400L, 5000L);
            assertThat(new String(rest, StandardCharsets.ISO_8859_1)).doesNotContain("200 OK");
        }
        assertThat(backend.requests()).isZero();
    }

    @Test
    void tooManyConcurrentRequestsToOneBackendGet503InsteadOfQueueingForever() throws Exception {
        int port = balancer("maxConnectionsPerBackend", "2", "timeout", "20s").port();
        String url = "http://127.0.0.1:" + port;
        // 2 connections busy + 2 queued fill the backend's budget.
        var held = new java.util.ArrayList<Socket>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.getOutputStream().write(("GET /hold HTTP/1.1\r\n" + head(port) + "Connection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                held.add(socket);
            }
            var member = balancer.balancer().pool().snapshot().members().get(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.holding() == 2 && member.inFlight() == 4);
            var rejected = Http.get(url + "/more");
            assertThat(rejected.statusCode()).isEqualTo(503);
            assertThat(rejected.body()).contains("at its limit of 2 connections");
            backend.release();
            for (Socket socket : held) {
                socket.setSoTimeout(10_000);
                assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void hostHeaderTricksNeverReachAnotherHost() throws Exception {
        try (TestBackend other = new TestBackend("other")) {
            int port = balancer().port();
            String answer = Http.raw(port, "GET /headers HTTP/1.1\r\nHost: 127.0.0.1:" + other.port() + "\r\nConnection: close\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200").contains("host: 127.0.0.1:" + backend.port());
            // Absolute-form with a Host that disagrees: refused. With one that agrees it is a virtual-host request like
            // any other (the servlet API cannot tell them apart): it goes to a configured backend, never to that host.
            assertThat(Http.raw(port, "GET http://127.0.0.1:" + other.port() + "/x HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 400");
            assertThat(Http.raw(port, "GET http://127.0.0.1:" + other.port() + "/x HTTP/1.1\r\nHost: 127.0.0.1:" + other.port()
                    + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200").endsWith("a GET /x");
            assertThat(other.requests()).isZero();
        }
    }

    @Test
    void preserveHostForwardsTheClientsHost() throws Exception {
        int port = balancer("preserveHost", "true").port();
        String answer = Http.raw(port, "GET /headers HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n");
        assertThat(answer).contains("host: shop.example\n");
    }
}
