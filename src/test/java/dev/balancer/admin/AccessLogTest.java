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
    void theDefaultLineCarriesTheRequestId() throws Exception {
        TestBackend a = keep(new TestBackend("a"));
        TestBalancer balancer = keep(new TestBalancer(frontEnd, Map.of("backends", a.url(), "accessLog", "true")));
        Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/given")).header("X-Request-Id", "quoted-id-7").build());
        HttpResponse<String> generated = Http.get(balancer.url() + "/generated");
        await().until(() -> accessLines().size() == 2);
        assertThat(accessLines()).anySatisfy(line -> assertThat(line).contains("uri=\"/given\"").endsWith(" request_id=quoted-id-7"));
        assertThat(accessLines()).anySatisfy(line -> assertThat(line).contains("uri=\"/generated\"")
                .endsWith(" request_id=" + generated.headers().firstValue("X-Request-Id").orElseThrow()));
    }

    @Test
    void jsonWritesOneObjectPerLine() throws Exception {
        TestBackend a = keep(new TestBackend("a"));
        TestBalancer balancer = keep(new TestBalancer(frontEnd, Map.of("backends", a.url(), "accessLog", "true",
                "accessLogFormat", "json")));
        HttpResponse<String> ok = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/j?q=\"x\"".replace("\"", "%22")))
                .header("X-Request-Id", "json-id").header("User-Agent", "agent \"007\"").build());
        await().until(() -> jsonLines().size() == 1);
        com.fasterxml.jackson.databind.JsonNode line = jsonLines().get(0);
        assertThat(line.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(line.get("method").asText()).isEqualTo("GET");
        assertThat(line.get("uri").asText()).isEqualTo("/j?q=%22x%22");
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("backend").asText()).isEqualTo(id(a));
        assertThat(line.get("bytes").asLong()).isEqualTo(ok.body().length());
        assertThat(line.get("duration_ms").isNumber()).isTrue();
        assertThat(line.get("retries").asInt()).isZero();
        assertThat(line.get("request_id").asText()).isEqualTo("json-id");
        assertThat(line.get("user_agent").asText()).isEqualTo("agent \"007\"");
        assertThat(line.get("referer").isNull()).isTrue();
        assertThat(java.time.Instant.parse(line.get("time").asText())).isBefore(java.time.Instant.now().plusSeconds(1));
    }

    @Test
    void combinedIsApacheAndNginxCombinedLogFormat() throws Exception {
        TestBackend a = keep(new TestBackend("a"));
        TestBalancer balancer = keep(new TestBalancer(frontEnd, Map.of("backends", a.url(), "accessLog", "true",
                "accessLogFormat", "combined")));
        HttpResponse<String> ok = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/c?id=3"))
                .header("Referer", "http://shop.example/cart").header("User-Agent", "curl/8.5.0").build());
        Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/status/204")).header("User-Agent", "x").build());
        Pattern combined = Pattern.compile("(\\S+) - - \\[(\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})\\] "
                + "\"([^\"]*)\" (\\d{3}) (\\d+|-) \"([^\"]*)\" \"([^\"]*)\"$");
        await().until(() -> capturedLines().stream().filter(l -> combined.matcher(l).find()).count() == 2);
        List<java.util.regex.Matcher> lines = capturedLines().stream().map(combined::matcher).filter(java.util.regex.Matcher::find).toList();
        java.util.regex.Matcher first = lines.stream().filter(m -> m.group(3).startsWith("GET /c")).findFirst().orElseThrow();
        assertThat(first.group(1)).isEqualTo("127.0.0.1");
        assertThat(first.group(3)).isEqualTo("GET /c?id=3 HTTP/1.1");
        assertThat(first.group(4)).isEqualTo("200");
        assertThat(first.group(5)).isEqualTo(String.valueOf(ok.body().length()));
        assertThat(first.group(6)).isEqualTo("http://shop.example/cart");
        assertThat(first.group(7)).isEqualTo("curl/8.5.0");
        java.util.regex.Matcher empty = lines.stream().filter(m -> m.group(3).startsWith("GET /status/204")).findFirst().orElseThrow();
        assertThat(empty.group(5)).isEqualTo("-");
        assertThat(empty.group(6)).isEqualTo("-");
    }

    private List<String> capturedLines() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("access")).toList();
        }
    }

    private List<com.fasterxml.jackson.databind.JsonNode> jsonLines() {
        return capturedLines().stream().filter(l -> l.contains("{\"time\""))
                .map(l -> dev.balancer.testing.AdminClient.json(l.substring(l.indexOf("{\"time\"")))).toList();
    }

    @Test
    void uriIsQuotedSoOneRequestIsOneParsableLine() {
        assertThat(AccessLog.quoted("/a\"b\\c\u0001")).isEqualTo("\"/a\\\"b\\\\c\\x01\"");
    }
}
