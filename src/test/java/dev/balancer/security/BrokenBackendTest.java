package dev.balancer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Backends that break HTTP in the ways real ones do; the client gets a clean error and the next request works. */
@ThroughBothFrontEnds
class BrokenBackendTest {
    private final FrontEnd frontEnd;

    BrokenBackendTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
    }

    private BrokenBackend backend;
    private TestBalancer balancer;

    @BeforeEach
    void start() throws Exception {
        backend = new BrokenBackend();
        balancer = new TestBalancer(frontEnd, Map.of("backends", backend.url(), "timeout", "1s", "retries", "0", "maxFails", "1000"));
    }

    @AfterEach
    void stop() throws Exception {
        balancer.close();
        backend.close();
    }

    @Test
    void malformedStatusLineGives502AndTheNextRequestIsFine() {
        var broken = Http.get(balancer.url() + "/bad-status");
        assertThat(broken.statusCode()).isEqualTo(502);
        assertThat(broken.body()).startsWith("{\"error\":");
        assertThat(Http.get(balancer.url() + "/ok").statusCode()).isEqualTo(200);
    }

    /**
     * The servlet holds the start of a response in its output buffer, so a backend that fails within it still gets
     * a clean 502; the core handler streams each chunk as it arrives, so the client sees the cut instead.
     */
    @Test
    void truncatedSmallBodyGives502WithoutInternalsOrACutResponse() throws IOException {
        Http.RawAnswer answer = Http.rawExchange(balancer.port(), "GET /truncated HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
        if (frontEnd == FrontEnd.SERVLET) {
            assertThat(answer.text()).startsWith("HTTP/1.1 502")
                    .contains("{\"error\":\"" + backend.url().replace("http://", "backend ") + " failed: connection closed before the response was complete\",\"requestId\":")
                    .doesNotContain("HttpConnection");
        } else {
            assertThat(answer.text()).startsWith("HTTP/1.1 200").contains("Content-Length: 100").endsWith("only ten..");
            assertThat(answer.closed()).as("cut, so the client sees the response is incomplete").isTrue();
        }
        assertThat(Http.get(balancer.url() + "/ok").statusCode()).isEqualTo(200);
    }

    @Test
    void truncatedBodyAfterHeadersWereSentClosesTheClientConnection() throws IOException {
        Http.RawAnswer answer = Http.rawExchange(balancer.port(), "GET /truncated-large HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
        assertThat(answer.text()).startsWith("HTTP/1.1 200").contains("Content-Length: 1000000");
        assertThat(answer.closed()).as("cut, so the client sees the response is incomplete").isTrue();
        assertThat(answer.text().length() - answer.text().indexOf("\r\n\r\n") - 4).isLessThan(1_000_000);
        assertThat(Http.get(balancer.url() + "/ok").statusCode()).isEqualTo(200);
    }

    @Test
    void resetMidResponseClosesTheClientConnectionWithoutAFakeEndAndTheNextRequestIsFine() throws IOException {
        Http.RawAnswer answer = Http.rawExchange(balancer.port(), "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
        assertThat(answer.text()).startsWith("HTTP/1.1 200");
        assertThat(answer.closed()).isTrue();
        assertThat(answer.text()).as("no terminating chunk: the client must see the body is incomplete").doesNotEndWith("0\r\n\r\n");
        assertThat(Http.get(balancer.url() + "/ok").statusCode()).isEqualTo(200);
    }

    /** A response cut after commit is over for the graceful stop too: stopping does not wait shutdownTimeout for it. */
    @Test
    void stoppingAfterACutResponseDoesNotWaitForIt() throws Exception {
        Http.RawAnswer answer = Http.rawExchange(balancer.port(), "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
        assertThat(answer.closed()).isTrue();
        long start = System.nanoTime();
        balancer.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("shutdownTimeout is 30 s").isLessThan(Duration.ofSeconds(10));
    }

    /** Metrics and the access log hear of a cut response too (the servlet used to wait for a completion that never came). */
    @Test
    void aResponseCutAfterCommitIsCounted() throws Exception {
        Http.RawAnswer answer = Http.rawExchange(balancer.port(), "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
        assertThat(answer.closed()).isTrue();
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> admin.metrics().value("balancer_requests_total", Map.of("code", "2xx")) == 1);
        assertThat(admin.metrics().value("balancer_client_aborts_total", Map.of())).isZero();
    }

    @Test
    void endlessBodyIsCutOffAtTimeout() throws IOException {
        long start = System.nanoTime();
        Http.RawAnswer answer = Http.rawExchange(balancer.port(), "GET /endless HTTP/1.1\r\nHost: x\r\n\r\n", 10_000);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(answer.closed()).isTrue();
        assertThat(answer.text()).startsWith("HTTP/1.1 200").contains("more");
        assertThat(millis).as("cut at the 1 s timeout").isBetween(900L, 6000L);
        assertThat(Http.get(balancer.url() + "/ok").statusCode()).isEqualTo(200);
    }

    /** Speaks just enough HTTP/1.1 to misbehave on purpose, one connection per request. */
    private static final class BrokenBackend implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        BrokenBackend() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread handler = new Thread(() -> serve(socket));
                        handler.setDaemon(true);
                        handler.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        private static void serve(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                StringBuilder head = new StringBuilder();
                while (head.indexOf("\r\n\r\n") < 0) {
                    int c = in.read();
                    if (c < 0) {
                        return;
                    }
                    head.append((char) c);
                }
                String path = head.substring(head.indexOf(" ") + 1, head.indexOf(" ", head.indexOf(" ") + 1));
                OutputStream out = socket.getOutputStream();
                switch (path) {
                    case "/bad-status" -> out.write(ascii("HTTP/1.1 OK fine\r\nContent-Length: 0\r\n\r\n"));
                    case "/truncated" -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten.."));
                    case "/truncated-large" -> {
                        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"));
                        out.write(new byte[200_000]);
                    }
                    case "/reset" -> {
                        // More than the balancer buffers, so its response is committed when the reset comes.
                        out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                        for (int i = 0; i < 20; i++) {
                            out.write(ascii("1000\r\n" + "x".repeat(4096) + "\r\n"));
                        }
                        out.flush();
                        socket.setSoLinger(true, 0);
                    }
                    case "/endless" -> {
                        out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                        String chunk = "1000\r\n" + "more".repeat(1024) + "\r\n";
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (System.nanoTime() < deadline) {
                            out.write(ascii(chunk));
                            out.flush();
                            Thread.sleep(20);
                        }
                    }
                    default -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));
                }
                out.flush();
            } catch (IOException | InterruptedException e) {
                // the balancer hung up: expected for the endless body
            }
        }

        private static byte[] ascii(String text) {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
