package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@ThroughBothFrontEnds
class ProxyBehaviourTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    ProxyBehaviourTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void methodPathQueryAndHeadersArePreservedAndForwardingHeadersSet() throws Exception {
        TestBackend backend = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url())));

        var put = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/some/path%20x?q=1&r=%2F"))
                .method("PUT", HttpRequest.BodyPublishers.ofString("body")).build());
        assertThat(put.body()).isEqualTo("a PUT /some/path%20x?q=1&r=%2F");

        // Raw, because HTTP clients refuse to send a Connection header of our choosing.
        String headers = Http.raw(balancer.port(), "GET /headers HTTP/1.1\r\nHost: 127.0.0.1:" + balancer.port()
                + "\r\nX-Custom: kept\r\nX-Forwarded-For: 6.6.6.6\r\nFoo: hop\r\nKeep-Alive: timeout=5"
                + "\r\nConnection: Foo, close\r\n\r\n");
        assertThat(headers)
                .contains("x-custom: kept")
                .contains("x-forwarded-for: 127.0.0.1\n")
                .contains("x-forwarded-proto: http")
                .contains("x-forwarded-host: 127.0.0.1:" + balancer.port())
                .contains("host: 127.0.0.1:" + backend.port())
                .doesNotContain("6.6.6.6")
                .doesNotContain("foo: hop")
                .doesNotContain("keep-alive");
    }

    @Test
    void trustedForwardedForIsAppendedTo() throws Exception {
        TestBackend backend = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url(), "trustForwardedFor", "true")));
        String headers = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/headers"))
                .header("X-Forwarded-For", "6.6.6.6").GET().build()).body();
        assertThat(headers).contains("x-forwarded-for: 6.6.6.6, 127.0.0.1\n");
    }

    @Test
    void tenMegabytePostStreamsThroughIntactWithoutBeingBufferedWhole() throws Exception {
        TestBackend backend = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url())));
        int size = 10 * 1024 * 1024;
        byte[] body = new byte[size];
        new Random(42).nextBytes(body);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        // The client holds back the second half until the backend has seen bytes of the first: a proxy that
        // buffered the whole body before forwarding would never get there.
        CountDownLatch backendReceiving = new CountDownLatch(1);
        backend.onBodyBytes(n -> backendReceiving.countDown());
        InputStream gated = new InputStream() {
            int position;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position == size) {
                    return -1;
                }
                if (position == size / 2) {
                    try {
                        if (!backendReceiving.await(20, TimeUnit.SECONDS)) {
                            throw new IOException("backend saw nothing of the first 5 MB: body was buffered");
                        }
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                int n = Math.min(len, (position < size / 2 ? size / 2 : size) - position);
                System.arraycopy(body, position, b, off, n);
                position += n;
                return n;
            }
        };
        var response = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/sha256"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> gated), size))
                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(expected);
    }

    @Test
    void largeUploadWithExpectContinueSucceedsAgainstABackendThatIgnoresExpect() throws Exception {
        // A raw backend that never sends 100 Continue: it reads headers and body, then answers.
        try (ServerSocket raw = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> serveIgnoringExpect(raw));
            server.setDaemon(true);
            server.start();
            TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", "http://127.0.0.1:" + raw.getLocalPort(), "timeout", "10s")));
            byte[] body = new byte[2 * 1024 * 1024];
            var response = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/upload"))
                    .expectContinue(true)
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
            assertThat(response.statusCode()).isEqualTo(200);
            // Expect reaches the backend (it decides on the body); ignored, the body follows after the balancer's wait.
            assertThat(response.body()).isEqualTo("got " + body.length + " expect=forwarded");
        }
    }

    private static void serveIgnoringExpect(ServerSocket raw) {
        try (var socket = raw.accept()) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            String headers = head.toString().toLowerCase();
            long length = -1;
            for (String line : headers.split("\r\n")) {
                if (line.startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).trim());
                }
            }
            long read = length >= 0 ? in.readNBytes((int) length).length : readChunked(in);
            String answer = "got " + read + " expect=" + (headers.contains("expect:") ? "forwarded" : "none");
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length()
                    + "\r\nConnection: close\r\n\r\n" + answer).getBytes());
        } catch (IOException e) {
            // the test fails on the client side
        }
    }

    private static long readChunked(InputStream in) throws IOException {
        long total = 0;
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                line.append((char) c);
            }
            int size = Integer.parseInt(line.toString().trim(), 16);
            if (size == 0) {
                in.readNBytes(2);
                return total;
            }
            total += in.readNBytes(size).length;
            in.readNBytes(2);
        }
    }

    @Test
    void allBackendsDownAnswers503JsonWithRetryAfter() throws Exception {
        TestBackend backend = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url() + " down")));
        HttpResponse<String> response = Http.get(balancer.url() + "/x");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.body().trim()).isEqualTo("{\"error\":\"no healthy backend\",\"requestId\":\""
                + response.headers().firstValue("X-Request-Id").orElseThrow() + "\"}");
        assertThat(backend.requests()).isZero();
    }

    @Test
    void refusedConnectionAnswers502Json() throws Exception {
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", "http://127.0.0.1:" + closedPort())));
        HttpResponse<String> response = Http.get(balancer.url() + "/x");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body()).startsWith("{\"error\":\"backend 127.0.0.1:").contains("connection refused");
    }

    @Test
    void slowBackendAnswers504Json() throws Exception {
        TestBackend backend = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url(), "responseTimeout", "300ms")));
        HttpResponse<String> response = Http.get(balancer.url() + "/hold");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("did not answer in time (responseTimeout 300 ms");
    }

    @Test
    void aRefusingBackendIsRetriedOnAnotherSoNoRequestFails() throws Exception {
        TestBackend good = servers.keep(new TestBackend("good"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", "http://127.0.0.1:" + closedPort() + "," + good.url())));
        for (int i = 0; i < 10; i++) {
            assertThat(Http.get(balancer.url() + "/x").statusCode()).isEqualTo(200);
        }
        // A POST whose body never left (connect failed) may go to another backend too.
        var post = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/sha256"))
                .POST(HttpRequest.BodyPublishers.ofString("abc")).build());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(good.requests()).isEqualTo(11);
    }

    @Test
    void absoluteFormTargetNamingAnotherHostIsRefusedAndThatHostNeverContacted() throws Exception {
        TestBackend backend = servers.keep(new TestBackend("a"));
        TestBackend other = servers.keep(new TestBackend("other"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url())));

        String answer = Http.raw(balancer.port(), "GET " + other.url() + "/steal HTTP/1.1\r\nHost: 127.0.0.1:"
                + balancer.port() + "\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");

        String connect = Http.raw(balancer.port(), "CONNECT 127.0.0.1:" + other.port() + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + other.port() + "\r\nConnection: close\r\n\r\n");
        assertThat(connect).matches("(?s)HTTP/1.1 (400|405).*");

        assertThat(other.requests()).isZero();
        assertThat(backend.requests()).isZero();
    }

    @Test
    void inFlightCountsReturnToZero() throws Exception {
        TestBackend backend = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url())));
        for (int i = 0; i < 5; i++) {
            Http.get(balancer.url() + "/x");
        }
        var member = balancer.pool().snapshot().members().get(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> member.inFlight() == 0);
    }
}
