package dev.balancer.admin;

import static dev.balancer.admin.StatusEndpointTest.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access log goes through SLF4J logger dev.balancer.access, captured here at the tests' real provider. */
@ThroughBothFrontEnds
class AccessLogTest {
    private final FrontEnd frontEnd;

    AccessLogTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
    }

    private static final Pattern LINE = Pattern.compile("client=127\\.0\\.0\\.1 method=(\\S+) uri=\"([^\"]*)\" status=(\\d+) "
            + "backend=(\\S+) bytes=(\\d+) duration_ms=(\\d+\\.\\d) retries=(\\d+)");
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private StdErrAppender appender;
    private PrintStream original;

    @BeforeEach
    void capture() {
        appender = (StdErrAppender) ((JettyLogger) LoggerFactory.getLogger(AccessLog.LOGGER)).getAppender();
        original = appender.getStream();
        PrintStream through = original == null ? System.err : original; // null: the appender uses System.err
        appender.setStream(new PrintStream(new OutputStream() {
            @Override
            public synchronized void write(int b) {
                captured.write(b);
                through.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                through.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception {
        appender.setStream(original);
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private <T extends AutoCloseable> T keep(T server) {
        servers.add(server);
        return server;
    }

    private List<String> accessLines() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8).lines()
                    .filter(l -> l.contains("access") && LINE.matcher(l).find()).toList();
        }
    }

    @Test
    void oneLinePerRequestWithClientMethodUriStatusBackendBytesDurationAndRetries() throws Exception {
        TestBackend a = keep(new TestBackend("a"));
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        TestBalancer balancer = keep(new TestBalancer(frontEnd, Map.of("backends", "http://127.0.0.1:" + closed + "," + a.url(),
                "accessLog", "true")));

        // Round robin sends one of the two to the refusing backend, and that one is retried on a.
        HttpResponse<String> ok = Http.get(balancer.url() + "/path?q=1");
        Http.get(balancer.url() + "/path?q=1");
        HttpResponse<String> missing = Http.get(balancer.url() + "/status/404");
        HttpResponse<String> posted = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/form"))
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).build());
        await().until(() -> accessLines().size() == 4);

        List<java.util.regex.Matcher> lines = accessLines().stream().map(LINE::matcher).toList();
        assertThat(lines).allSatisfy(m -> assertThat(m.find()).as(m.toString()).isTrue());
        java.util.regex.Matcher first = lines.stream().filter(m -> m.group(2).equals("/path?q=1") && m.group(7).equals("1"))
                .findFirst().orElseThrow();
        assertThat(first.group(1)).isEqualTo("GET");
        assertThat(first.group(3)).isEqualTo("200");
        assertThat(first.group(4)).isEqualTo(id(a));
        assertThat(Long.parseLong(first.group(5))).isEqualTo(ok.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(first.group(7)).isEqualTo("1");
        java.util.regex.Matcher notFound = lines.stream().filter(m -> m.group(2).equals("/status/404")).findFirst().orElseThrow();
        assertThat(notFound.group(3)).isEqualTo("404");
        assertThat(Long.parseLong(notFound.group(5))).isEqualTo(missing.body().length());
        java.util.regex.Matcher post = lines.stream().filter(m -> m.group(2).equals("/form")).findFirst().orElseThrow();
        assertThat(post.group(1)).isEqualTo("POST");
        assertThat(post.group(3)).isEqualTo(String.valueOf(posted.statusCode()));
    }

    @Test
    void requestsTheBalancerAnswersItselfAreLoggedWithoutABackend() throws Exception {
        TestBackend a = keep(new TestBackend("a"));
        TestBalancer balancer = keep(new TestBalancer(frontEnd, Map.of("backends", a.url() + " down", "accessLog", "true")));
        HttpResponse<String> unavailable = Http.get(balancer.url() + "/x");
        assertThat(unavailable.statusCode()).isEqualTo(503);
        await().until(() -> accessLines().size() == 1);
        assertThat(accessLines().get(0)).contains("method=GET uri=\"/x\" status=503 backend=- bytes="
                + unavailable.body().length() + " ");
    }

    @Test
    void offByDefault() throws Exception {
        TestBackend a = keep(new TestBackend("a"));
        TestBalancer quiet = keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));
        TestBalancer logging = keep(new TestBalancer(frontEnd, Map.of("backends", a.url(), "accessLog", "true")));
        Http.get(quiet.url() + "/quiet");
        Http.get(logging.url() + "/logged");
        Http.get(quiet.url() + "/quiet");
        Http.get(logging.url() + "/logged-again");
        // Both of the logging balancer's lines arrive; the quiet one's requests, done before each, leave none.
        await().until(() -> accessLines().size() == 2);
        assertThat(accessLines()).noneMatch(line -> line.contains("/quiet"));
        assertThat(a.requests("/quiet")).isEqualTo(2);
    }

    @Test
    void uriIsQuotedSoOneRequestIsOneParsableLine() {
        assertThat(AccessLog.quoted("/a\"b\\c\u0001")).isEqualTo("\"/a\\\"b\\\\c\\x01\"");
    }
}
