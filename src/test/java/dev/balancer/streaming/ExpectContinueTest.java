package dev.balancer.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.backend.Backend;
import dev.balancer.testing.AdminClient;
import dev.balancer.testing.EchoServer;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.LoopbackServer;
import dev.balancer.testing.RawBackend;
import dev.balancer.testing.RawHttp;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code Expect: 100-continue} goes to the backend: its 100 lets the client's body through, its early refusal
 * reaches the client with the body never sent, and a backend that ignores Expect still gets the body, after the
 * balancer's short wait.
 */
@ThroughBothFrontEnds
class ExpectContinueTest {
    private static final String BODY = "0123456789";
    private static final String PADDING = "x".repeat(3 * 1024 * 1024);

    @RegisterExtension
    final Servers servers;

    ExpectContinueTest(FrontEnd frontEnd) {
        this.servers = new Servers(frontEnd);
    }

    @Test
    void aRefusalBeforeTheBodyReachesTheClientAndTheBodyIsNeverSent() throws Exception {
        CompletableFuture<RawHttp.Head> seen = new CompletableFuture<>();
        CompletableFuture<Integer> bodyBytes = new CompletableFuture<>();
        AtomicInteger requests = new AtomicInteger();
        RawBackend.Conversation refuse = (socket, request) -> {
            requests.incrementAndGet();
            seen.complete(request);
            RawHttp.write(socket.getOutputStream(), "HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 8\r\nConnection: close\r\n\r\ntoo big!");
            socket.shutdownOutput();
            // Whatever the balancer sends after the headers, until it closes its side, would be the body.
            bodyBytes.complete(RawHttp.countUntilClosed(socket.getInputStream()));
        };
        RawBackend one = servers.keep(new RawBackend(refuse));
        RawBackend other = servers.keep(new RawBackend(refuse));
        TestBalancer balancer = servers.balancer(one.url() + "," + other.url());

        try (Socket client = client(balancer)) {
            RawHttp.write(client.getOutputStream(), postHead(balancer));
            InputStream in = client.getInputStream();
            RawHttp.Head answer = RawHttp.readHead(in);
            assertThat(answer.status()).as("the refusal, not a 100 asking for the body").isEqualTo(413);
            assertThat(RawHttp.readBody(in, answer.contentLength())).isEqualTo("too big!");
        }
        assertThat(seen.get(5, TimeUnit.SECONDS).header("Expect")).isEqualToIgnoringCase("100-continue");
        assertThat(bodyBytes.get(10, TimeUnit.SECONDS)).as("body bytes the backend got").isZero();
        assertThat(requests).as("a refusal is an answer: not retried on the other backend").hasValue(1);
        awaitEnded(balancer);
        assertThat(new AdminClient(balancer.url() + "/_balancer").metrics().find("balancer_backend_failures_total", Map.of()))
                .as("nor a failure of the backend").allSatisfy(sample -> assertThat(sample.value()).isZero());
    }

    @Test
    void theBackendsContinueLetsTheBodyThroughAndItsAnswerFollows() throws Exception {
        CompletableFuture<RawHttp.Head> seen = new CompletableFuture<>();
        RawBackend backend = servers.keep(new RawBackend((socket, request) -> {
            seen.complete(request);
            OutputStream out = socket.getOutputStream();
            RawHttp.write(out, "HTTP/1.1 100 Continue\r\n\r\n");
            String body = RawHttp.readBody(socket.getInputStream(), request.contentLength());
            RawHttp.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        }));
        TestBalancer balancer = servers.balancer(backend.url());

        try (Socket client = client(balancer)) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            RawHttp.write(out, postHead(balancer));
            assertThat(RawHttp.readHead(in).status()).isEqualTo(100);
            RawHttp.write(out, BODY);
            RawHttp.Head answer = RawHttp.readHead(in);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(RawHttp.readBody(in, answer.contentLength())).isEqualTo(BODY);
        }
        assertThat(seen.get(5, TimeUnit.SECONDS).header("Expect")).isEqualToIgnoringCase("100-continue");
        awaitEnded(balancer);
    }

    /** An HTTP/1.0 backend knows no 100: it waits for the body, which must come without a long stall. */
    @Test
    void aBackendThatIgnoresExpectGetsTheBodyAfterAShortWait() throws Exception {
        CompletableFuture<RawHttp.Head> seen = new CompletableFuture<>();
        RawBackend backend = servers.keep(new RawBackend((socket, request) -> {
            seen.complete(request);
            // Past the 2 MiB Jetty's client would buffer of an answer it took for a refusal: this one must stream.
            String body = RawHttp.readBody(socket.getInputStream(), request.contentLength()) + PADDING;
            RawHttp.write(socket.getOutputStream(), "HTTP/1.0 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        }));
        TestBalancer balancer = servers.balancer(backend.url());

        try (Socket client = client(balancer)) {
            // Well above the balancer's one-second wait, far below the request's own timeouts (30 s, 60 s).
            client.setSoTimeout(5_000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            RawHttp.write(out, postHead(balancer));
            assertThat(RawHttp.readHead(in).status()).as("the balancer asks for the body once it gave up waiting")
                    .isEqualTo(100);
            RawHttp.write(out, BODY);
            RawHttp.Head answer = RawHttp.readHead(in);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(RawHttp.readBody(in, answer.contentLength())).isEqualTo(BODY + PADDING);
        }
        assertThat(seen.get(5, TimeUnit.SECONDS).header("Expect")).as("sent, even if ignored")
                .isEqualToIgnoringCase("100-continue");
        awaitEnded(balancer);
    }

    /** A real server (Jetty) and a real client (the JDK's, which waits for 100 before its body). */
    @Test
    void aRealBackendSeesExpectAndARealClientGetsItsAnswer() throws Exception {
        CompletableFuture<String> expect = new CompletableFuture<>();
        LoopbackServer backend = servers.keep(new LoopbackServer().start(jettyEcho(expect)));
        TestBalancer balancer = servers.balancer(backend.url());

        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/upload"))
                .expectContinue(true).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(BODY);
        assertThat(expect.get(5, TimeUnit.SECONDS)).isEqualToIgnoringCase("100-continue");
    }

    /** Over HTTP/2 to the backend the 100 is a HEADERS frame; Jetty's client handles it the same way. */
    @Test
    void anHttp2BackendGetsTheUploadToo() throws Exception {
        EchoServer backend = servers.keep(EchoServer.h2c());
        TestBalancer balancer = servers.balancer(backend.url(), "backendProtocol", "h2c");

        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/upload"))
                .expectContinue(true).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("body=" + BODY.length(), "protocol=HTTP/2.0");
    }

    /** The balancer saw each exchange end (a refusal too), as the client saw its answer: nothing is left in flight. */
    private static void awaitEnded(TestBalancer balancer) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> balancer.pool().snapshot().members().stream().mapToInt(Backend::inFlight).sum() == 0);
    }

    private static Socket client(TestBalancer balancer) throws Exception {
        Socket socket = new Socket("127.0.0.1", balancer.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String postHead(TestBalancer balancer) {
        return "POST /upload HTTP/1.1\r\nHost: 127.0.0.1:" + balancer.port() + "\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + BODY.length() + "\r\nExpect: 100-continue\r\n\r\n";
    }

    /** Echoes the body; Jetty sends the 100 itself as the body is read, like most servers. */
    private static Handler jettyEcho(CompletableFuture<String> expect) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                expect.complete(String.valueOf(request.getHeaders().get("Expect")));
                String body = Content.Source.asString(request);
                response.write(true, ByteBuffer.wrap(body.getBytes()), callback);
                return true;
            }
        };
    }
}
