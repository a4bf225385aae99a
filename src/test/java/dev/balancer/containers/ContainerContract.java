package dev.balancer.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.EventDelays;
import dev.balancer.testing.Http;
import dev.balancer.testing.RawWebSocket;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.WebSocketBackend;
import dev.balancer.testing.WsClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What must hold in every servlet container: one boot of the real container serves six applications side by side,
 * each against real backends on loopback ports.
 * <ul>
 *   <li>{@code /balancer}: the stock balancer.war, configured only by {@code -Dbalancer.backends};</li>
 *   <li>{@code /} (root): the stock WAR configured by the container's descriptor from examples/, with active health
 *   checks on two backends that start out failing them;</li>
 *   <li>{@code /two}: examples/two-pools/web.xml, two servlets on /api/* and /static/*;</li>
 *   <li>{@code /shop}: examples/inside-a-webapp, Balancer as a library next to the application's own servlet;</li>
 *   <li>{@code /bad}: the stock web.xml with an init-param Balancer rejects;</li>
 *   <li>{@code /ws}: the stock WAR with a WebSocket backend in an init-param;</li>
 *   <li>{@code /sticky}: the stock WAR with a sticky cookie, reached over the plain connector and, in containers that
 *   open one, over HTTPS.</li>
 * </ul>
 * The tests run in order: the last ones undeploy, redeploy and finally stop the container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ContainerContract {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerContract.class);
    private static final Duration HOT_DEPLOY = Duration.ofSeconds(60);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    /**
     * Threads only a Balancer servlet starts: its client's pool outside Jetty, its client's scheduler everywhere
     * (named after the client's class, BackendClient).
     */
    private static final Pattern BALANCER_THREAD = Pattern.compile("^(balancer-|BackendClient@)");

    private final List<TestBackend> backends = new ArrayList<>();
    private ServletContainer container;
    private TestBackend a, b, c, probedA, probedB, api1, api2, static1, shopApi, sticky;
    private WebSocketBackend webSocketBackend;

    abstract ServletContainer newContainer();

    @BeforeAll
    void bootContainerWithEveryApplication() throws Exception {
        a = backend("a");
        b = backend("b");
        c = backend("c");
        probedA = backend("probedA");
        probedB = backend("probedB");
        probedA.healthy(false);
        probedB.healthy(false);
        api1 = backend("api1");
        api2 = backend("api2");
        static1 = backend("static1");
        shopApi = backend("shopApi");
        sticky = backend("sticky");
        webSocketBackend = new WebSocketBackend("ws");
        container = newContainer();
        Path wars = container.base.resolve("wars");
        container.deploy("balancer", Wars.BALANCER_WAR);
        container.deployRootFromExample(Wars.BALANCER_WAR, probedA.url() + ", " + probedB.url());
        container.deploy("two", Wars.withWebXml(Wars.BALANCER_WAR, twoPoolsWebXml(), wars.resolve("two.war")));
        container.deploy("shop", Wars.withWebXml(Wars.exampleWar(), shopWebXml(), wars.resolve("shop.war")));
        container.deploy("bad", Wars.withWebXml(Wars.BALANCER_WAR, badWebXml(), wars.resolve("bad.war")));
        container.deploy("ws", Wars.withWebXml(Wars.BALANCER_WAR, webSocketWebXml(), wars.resolve("ws.war")));
        container.deploy("sticky", Wars.withWebXml(Wars.BALANCER_WAR, stickyWebXml(), wars.resolve("sticky.war")));

        // Only the root application sets healthCheckPath; the faster probe timing is for it. Panic off: its two
        // backends both failing must answer 503, not send traffic to them anyway.
        container.start(Map.of("balancer.backends", a.url() + "," + b.url() + "," + c.url(), "balancer.panicThreshold", "0",
                "balancer.shutdownDelay", "0s", "balancer.healthCheckInterval", PROBE_INTERVAL.toMillis() + "ms",
                "balancer.healthCheckTimeout", PROBE_INTERVAL.toMillis() + "ms"));
    }

    /** examples/two-pools/web.xml with the test's backends. */
    private String twoPoolsWebXml() {
        String webXml = Wars.readString(Path.of("examples/two-pools/web.xml"));
        webXml = Wars.replaceSample(webXml, ExampleValues.API_BACKENDS, api1.url() + ", " + api2.url());
        return Wars.replaceSample(webXml, ExampleValues.STATIC_BACKENDS, static1.url());
    }

    /** The web.xml of the application built from examples/inside-a-webapp, with the test's API backend. */
    private String shopWebXml() {
        return Wars.replaceSample(Wars.webXml(Wars.exampleWar()), ExampleValues.API_BACKENDS, shopApi.url());
    }

    /** The stock web.xml with one init-param uncommented and set to a value Balancer rejects. */
    private static String badWebXml() {
        return Wars.replaceSample(Wars.webXml(Wars.BALANCER_WAR), "<load-on-startup>",
                "<init-param><param-name>strategy</param-name><param-value>fastest</param-value></init-param>\n"
                        + "        <load-on-startup>");
    }

    /** The stock web.xml with the WebSocket backend as its one backend. */
    private String webSocketWebXml() {
        return Wars.replaceSample(Wars.webXml(Wars.BALANCER_WAR), "<load-on-startup>",
                "<init-param><param-name>backends</param-name><param-value>" + webSocketBackend.url()
                        + "</param-value></init-param>\n        <load-on-startup>");
    }

    /** The stock web.xml with one backend and a sticky cookie named route. */
    private String stickyWebXml() {
        return Wars.replaceSample(Wars.webXml(Wars.BALANCER_WAR), "<load-on-startup>",
                "<init-param><param-name>backends</param-name><param-value>" + sticky.url() + "</param-value></init-param>\n"
                        + "        <init-param><param-name>stickyCookie</param-name><param-value>route</param-value></init-param>\n"
                        + "        <load-on-startup>");
    }

    private TestBackend backend(String name) throws Exception {
        TestBackend backend = new TestBackend(name);
        backends.add(backend);
        return backend;
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (container != null) {
            container.close();
        }
        for (TestBackend backend : backends) {
            backend.close();
        }
        if (webSocketBackend != null) {
            webSocketBackend.close();
        }
    }

    @Test
    @Order(1)
    void stockWarConfiguredBySystemPropertyBalancesThreeBackendsRoundRobin() {
        assertRoundRobinOverABC();
    }

    private void assertRoundRobinOverABC() {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> response = Http.get(container.url("balancer") + "/n?i=" + i);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            // The context path is not forwarded: the backend sees the path below it.
            assertThat(response.body()).endsWith(" GET /n?i=" + i);
            answers.add(response.body().split(" ")[0]);
        }
        assertThat(answers.subList(0, 3)).containsExactlyInAnyOrder("a", "b", "c");
        for (int i = 3; i < answers.size(); i++) {
            assertThat(answers.get(i)).as("answer %d follows the same rotation", i).isEqualTo(answers.get(i - 3));
        }
    }

    @Test
    @Order(2)
    void healthChecksTakeFailingBackendsOutAnswer503JsonAndBringThemBack() {
        // The transitions are logged in the container's own log, like every Balancer line.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(container.log())
                .contains("[balancer] backend " + probedA.url() + ": healthy -> unhealthy")
                .contains("[balancer] backend " + probedB.url() + ": healthy -> unhealthy"));

        HttpResponse<String> response = Http.get(container.url("") + "/anything");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.body()).contains("{\"error\":\"no healthy backend\",\"requestId\":\"");
        // The descriptor's context-params won over -Dbalancer.backends; only probes reached the failing backends.
        assertThat(probedA.requests() + probedB.requests() + a.requests("/anything")).isZero();

        probedA.healthy(true);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(container.log())
                .contains("[balancer] backend " + probedA.url() + ": unhealthy -> healthy"));
        // The line is logged as the new snapshot is published: allow for the moment in between.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(okBody(Http.get(container.url("") + "/anything"))).isEqualTo("probedA GET /anything"));
    }

    @Test
    @Order(3)
    void twoServletsOnTwoPrefixesEachHaveTheirOwnPoolAndMetrics() {
        List<String> api = Stream.generate(() -> Http.get(container.url("two") + "/api/orders?x=1")).limit(4)
                .map(this::okBody).toList();
        String asset = okBody(Http.get(container.url("two") + "/static/app.css"));

        // stripPrefix=true on /api/*: the API backends see /orders; the pool rotates over its two members only.
        assertThat(api).containsExactlyInAnyOrder("api1 GET /orders?x=1", "api2 GET /orders?x=1",
                "api1 GET /orders?x=1", "api2 GET /orders?x=1");
        // stripPrefix=false on /static/*: the static backend sees the full path below the context.
        assertThat(asset).isEqualTo("static1 GET /static/app.css");
        assertThat(static1.requests("/orders")).isZero();
        assertThat(api1.requests("/static/app.css") + api2.requests("/static/app.css")).isZero();
        assertThat(container.log()).contains("[api] balancing 2 backends with round-robin")
                .contains("[static] balancing 1 backends with round-robin");

        // Each servlet keeps its own metrics, under its own prefix (the test is a loopback client, so admin answers).
        String apiMetrics = okBody(Http.get(container.url("two") + "/api/_balancer/metrics"));
        String staticMetrics = okBody(Http.get(container.url("two") + "/static/_balancer/metrics"));
        assertThat(apiMetrics).contains("pool=\"api\"", backendLabel(api1), backendLabel(api2))
                .doesNotContain("pool=\"static\"", backendLabel(static1));
        assertThat(staticMetrics).contains("pool=\"static\"", backendLabel(static1))
                .doesNotContain("pool=\"api\"", backendLabel(api1), backendLabel(api2));
    }

    private static String backendLabel(TestBackend backend) {
        return "backend=\"127.0.0.1:" + backend.port() + "\"";
    }

    @Test
    @Order(4)
    void balancerInsideAnApplicationProxiesItsPrefixAndLeavesTheRestToTheApplication() {
        assertThat(okBody(Http.get(container.url("shop") + "/api/orders"))).isEqualTo("shopApi GET /orders");
        assertThat(okBody(Http.get(container.url("shop") + "/catalogue"))).isEqualTo("shop page /catalogue");
        assertThat(okBody(Http.get(container.url("shop") + "/"))).isEqualTo("shop page /");
        assertThat(shopApi.requests()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void badInitParamFailsTheDeploymentAndTheLogNamesKeyValueAndChoices() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(container.log())
                .contains("[balancer] not started: Invalid configuration: strategy='fastest': one of round-robin, random,"));
        assertThat(container.reportsFailedDeployment("bad")).as(container.log()).isTrue();

        // Not served by the failed application (in Tomcat the root application may answer instead).
        HttpResponse<String> response = Http.get(container.url("bad") + "/never");
        assertThat(servedByABC(response)).as(response.body()).isFalse();
        assertThat(a.requests("/never") + b.requests("/never") + c.requests("/never")).isZero();
    }

    @Test
    @Order(6)
    void startupSummaryReachesTheContainersOwnLog() {
        // Balancer -> SLF4J -> slf4j-jdk14 -> java.util.logging -> the container's handlers.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(container.log())
                .contains("[balancer] balancing 3 backends with round-robin: [" + a.url() + ", " + b.url() + ", " + c.url() + "]")
                .contains("[balancer] balancing 2 backends with round-robin: [" + probedA.url() + ", " + probedB.url() + "]")
                .contains("[api] balancing 2 backends with round-robin: [" + api1.url() + ", " + api2.url() + "]"));
    }

    @Test
    @Order(7)
    void aWebSocketThroughTheWarIsTunnelledToItsBackendAndBack() throws Exception {
        int before = webSocketBackend.handshakes().size();
        try (WsClient client = WsClient.connect(container.port, "/ws/chat")) {
            client.sendText("hello");
            assertThat(client.next()).isEqualTo("hello");
            client.sendBinary(new byte[] {1, 2, 3, 0, -1});
            assertThat((byte[]) client.next()).containsExactly(1, 2, 3, 0, -1);
            client.sendText("name");
            assertThat(client.next()).isEqualTo("ws");
        }
        assertThat(webSocketBackend.handshakes()).hasSize(before + 1);
        assertThat(webSocketBackend.handshakes().get(before).get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        // Once the client left, the tunnel is closed and no longer in flight.
        await().atMost(Duration.ofSeconds(10)).until(() -> webSocketBackend.openSessions() == 0);
    }

    /**
     * As a browser sends it (no Content-Length), the client speaking first. Tomcat tunnels it; Jetty's servlet
     * upgrade would lose the tunnel, so there the WAR answers 501 and says why (see WebSocketTunnelTest).
     */
    @Test
    @Order(7)
    void aBrowsersWebSocketHandshakeIsTunnelledOrRefusedWithTheReason() throws Exception {
        int before = webSocketBackend.handshakes().size();
        try (RawWebSocket client = RawWebSocket.connect(container.port, "/ws/chat", RawWebSocket.LIKE_A_BROWSER)) {
            if (container instanceof JettyContainer) {
                assertThat(client.handshake().status()).isEqualTo(501);
                assertThat(client.refusalBody()).contains("no Content-Length");
                assertThat(webSocketBackend.handshakes()).hasSize(before);
                return;
            }
            assertThat(client.handshake().status()).isEqualTo(101);
            client.sendText("first");
            assertThat(client.nextText()).isEqualTo("first");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> webSocketBackend.openSessions() == 0);
    }

    @Test
    @Order(7)
    void aServerSentEventArrivesThroughTheWarWhileTheBackendStillHoldsTheStream() throws Exception {
        HttpResponse<InputStream> response = Http.CLIENT.send(
                HttpRequest.newBuilder(URI.create(container.url("balancer") + "/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(response.statusCode()).isEqualTo(200);
            // The backend holds the stream open after the first event: only a proxy that flushes at once delivers it.
            assertThat(CompletableFuture.supplyAsync(() -> readLine(events)).get(10, TimeUnit.SECONDS)).isEqualTo("data: first");
            assertThat(a.holding() + b.holding() + c.holding()).isEqualTo(1);
        } finally {
            for (TestBackend backend : List.of(a, b, c)) {
                backend.release();
            }
        }
        for (TestBackend backend : List.of(a, b, c)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.holding() == 0);
            backend.rearm();
        }
    }

    /** Issue #16: 20 small events 50 ms apart, each delay measured from the backend's flush to the client's read. */
    @Test
    @Order(7)
    void eachServerSentEventArrivesThroughTheWarAsTheBackendSendsIt() throws Exception {
        Duration interval = Duration.ofMillis(50);
        HttpResponse<InputStream> response = Http.CLIENT.send(
                HttpRequest.newBuilder(URI.create(container.url("balancer") + EventDelays.path(20, interval))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);

        EventDelays delays = EventDelays.read(response.body(), 20, interval);
        LOG.info(delays.summary(container.name()));
        delays.assertNotHeldBack(container.name());
    }

    @Test
    @Order(7)
    void overThePlainConnectorBackendsSeeHttpAndTheStickyCookieIsNotSecure() {
        HttpResponse<String> response = Http.get(container.url("sticky") + "/headers");

        assertThat(okBody(response)).contains("x-forwarded-proto: http\n");
        assertThat(response.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie ->
                assertThat(cookie).startsWith("route=").contains("HttpOnly").doesNotContain("Secure"));
    }

    @Test
    @Order(7)
    void overTheHttpsConnectorBackendsSeeHttpsAndTheStickyCookieIsSecure() throws Exception {
        Assumptions.assumeTrue(container.servesHttps(), container.name() + " runs here without an HTTPS connector");
        HttpClient https = HttpClient.newBuilder().sslContext(container.clientTls()).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(URI.create(container.httpsUrl("sticky") + "/headers"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());

        // The container terminates TLS and speaks HTTP/2 (its UpgradeProtocol, by ALPN); Balancer sees a secure request.
        // Soft: a broken build shows every part that broke, the forwarded scheme and the cookie alike.
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            softly.assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            softly.assertThat(response.body()).contains("x-forwarded-proto: https\n");
            softly.assertThat(response.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie ->
                    assertThat(cookie).startsWith("route=").contains("HttpOnly").contains("; Secure"));
        });
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(8)
    void undeployStopsTheBalancerAndRedeployBringsItBack() {
        int stoppedBefore = count(container.log(), "[balancer] stopped");
        int abcBefore = a.requests() + b.requests() + c.requests();

        container.undeploy("balancer");
        await().atMost(HOT_DEPLOY).untilAsserted(() -> assertThat(count(container.log(), "[balancer] stopped")).isEqualTo(stoppedBefore + 1));
        // Once the context is gone, the container answers itself or hands the path to the root application.
        await().atMost(HOT_DEPLOY).until(() -> !servedByABC(Http.get(container.url("balancer") + "/gone")));
        assertThat(a.requests() + b.requests() + c.requests()).isEqualTo(abcBefore);

        container.deploy("balancer", Wars.BALANCER_WAR);
        await().atMost(HOT_DEPLOY).ignoreExceptions().until(() -> servedByABC(Http.get(container.url("balancer") + "/back")));
        assertRoundRobinOverABC();
        assertThat(container.leakWarnings()).isEmpty();
    }

    @Test
    @Order(9)
    void undeployingEveryApplicationLeavesNoThreadBehindAndTheContainerStopsCleanly() {
        assertThat(container.threadNames()).as("a running balancer has client threads").anyMatch(this::isBalancerThread);

        for (String application : List.of("balancer", "", "two", "shop", "bad", "ws", "sticky")) {
            container.undeploy(application);
        }
        await().atMost(HOT_DEPLOY).untilAsserted(() ->
                assertThat(container.threadNames()).noneMatch(this::isBalancerThread));
        assertThat(container.leakWarnings()).isEmpty();
        // The root application's health checker stopped with it: no probe arrives any more.
        int probes = probedA.requests("/health") + probedB.requests("/health");
        await().during(PROBE_INTERVAL.multipliedBy(4)).atMost(PROBE_INTERVAL.multipliedBy(12))
                .until(() -> probedA.requests("/health") + probedB.requests("/health") == probes);

        assertThat(container.stop(Duration.ofSeconds(60))).as("stopped in time").isTrue();
        assertThat(container.leakWarnings()).isEmpty();
        assertThat(container.console()).doesNotContain("Exception in thread");
    }

    /** Answered by the /balancer application (or the bad one, had it started): a backend of a, b, c. */
    private static boolean servedByABC(HttpResponse<String> response) {
        return response.statusCode() == 200 && response.body().matches("[abc] .*");
    }

    private boolean isBalancerThread(String threadName) {
        return BALANCER_THREAD.matcher(threadName).find();
    }

    private String okBody(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
