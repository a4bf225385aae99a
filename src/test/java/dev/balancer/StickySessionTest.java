package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendStatus;
import dev.balancer.config.BackendSpec;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** stickyCookie end to end: real balancers, real backends, the cookie as a browser would send it back. */
@ThroughBothFrontEnds
class StickySessionTest {
    private final FrontEnd frontEnd;

    StickySessionTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
    }

    private final List<AutoCloseable> servers = new ArrayList<>();
    private final List<TestBackend> backends = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private void startBackends(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            TestBackend backend = new TestBackend("b" + i);
            servers.add(backend);
            backends.add(backend);
        }
    }

    private TestBalancer balancer(List<TestBackend> order, Map<String, String> extra) throws Exception {
        Map<String, String> params = new HashMap<>(extra);
        params.put("backends", String.join(",", order.stream().map(TestBackend::url).toList()));
        TestBalancer balancer = new TestBalancer(frontEnd, params);
        servers.add(balancer);
        return balancer;
    }

    private TestBalancer sticky(List<TestBackend> order, String strategy) throws Exception {
        return balancer(order, Map.of("stickyCookie", "lb", "strategy", strategy));
    }

    /** A response: which backend answered and the Set-Cookie it carried, if any. */
    private record Answer(String backend, String setCookie) {
        String cookieValue() {
            return setCookie.substring("lb=".length(), setCookie.indexOf(';'));
        }
    }

    private static Answer get(TestBalancer balancer, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(balancer.url() + "/page"));
        if (cookie != null) {
            request.header("Cookie", "theme=dark; lb=" + cookie);
        }
        HttpResponse<String> response = Http.send(request.build());
        assertThat(response.statusCode()).isEqualTo(200);
        return new Answer(response.body().split(" ")[0], response.headers().firstValue("Set-Cookie").orElse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "random", "least-connections", "power-of-two", "hash", "least-latency"})
    void theCookiePinsAClientToOneBackendWhateverTheStrategy(String strategy) throws Exception {
        startBackends(3);
        TestBalancer balancer = sticky(backends, strategy);

        Answer first = get(balancer, null);
        assertThat(first.setCookie()).matches("lb=[A-Za-z0-9_-]{22}; Path=/; HttpOnly; SameSite=Lax");
        String port = String.valueOf(backends.get(Integer.parseInt(first.backend().substring(1))).port());
        assertThat(first.cookieValue()).as("an opaque id, not the address").doesNotContain(port).doesNotContain("127");

        for (int i = 0; i < 12; i++) {
            Answer next = get(balancer, first.cookieValue());
            assertThat(next.backend()).isEqualTo(first.backend());
            assertThat(next.setCookie()).as("already pinned: nothing to set").isNull();
        }
        // Clients without the cookie are still balanced: round robin over the next requests reaches the others.
        if (strategy.equals("round-robin")) {
            assertThat(List.of(get(balancer, null).backend(), get(balancer, null).backend())).doesNotContain(first.backend());
        }
    }

    @Test
    void theCookieSurvivesARestartOfTheBalancerAndAReorderedBackendList() throws Exception {
        startBackends(3);
        TestBalancer before = sticky(backends, "round-robin");
        get(before, null);
        Answer pinned = get(before, null); // the second backend in turn, so not simply "the first one" after a restart
        before.close();

        TestBalancer after = sticky(List.of(backends.get(2), backends.get(0), backends.get(1)), "round-robin");
        for (int i = 0; i < 6; i++) {
            Answer next = get(after, pinned.cookieValue());
            assertThat(next.backend()).isEqualTo(pinned.backend());
            assertThat(next.setCookie()).isNull();
        }
    }

    @Test
    void whenItsBackendIsTakenOutTheClientIsRepinnedElsewhere() throws Exception {
        startBackends(3);
        TestBalancer balancer = sticky(backends, "round-robin");
        Answer first = get(balancer, null);
        Backend pinned = balancer.pool().snapshot().members().stream()
                .filter(b -> b.id().endsWith(":" + backends.get(Integer.parseInt(first.backend().substring(1))).port()))
                .findFirst().orElseThrow();

        balancer.pool().transition(pinned, BackendStatus.DOWN, "test");
        Answer moved = get(balancer, first.cookieValue());
        assertThat(moved.backend()).isNotEqualTo(first.backend());
        assertThat(moved.setCookie()).isNotNull();
        assertThat(moved.cookieValue()).isNotEqualTo(first.cookieValue());
        for (int i = 0; i < 6; i++) {
            assertThat(get(balancer, moved.cookieValue()).backend()).isEqualTo(moved.backend());
        }
    }

    @Test
    void whenItsBackendDiesTheRetryRepinsToTheBackendThatAnswered() throws Exception {
        startBackends(2);
        TestBalancer balancer = sticky(backends, "round-robin");
        Answer first = get(balancer, null);
        backends.get(Integer.parseInt(first.backend().substring(1))).stop();

        Answer moved = get(balancer, first.cookieValue());
        assertThat(moved.backend()).isNotEqualTo(first.backend());
        assertThat(moved.setCookie()).isNotNull();
        assertThat(get(balancer, moved.cookieValue()).backend()).isEqualTo(moved.backend());
    }

    @Test
    void anUnknownCookieValueIsReplacedAndStickinessIsOffUnlessConfigured() throws Exception {
        startBackends(2);
        Answer forged = get(sticky(backends, "round-robin"), "not-a-backend");
        assertThat(forged.setCookie()).startsWith("lb=").doesNotContain("not-a-backend");

        TestBalancer plain = balancer(backends, Map.of());
        assertThat(get(plain, null).setCookie()).isNull();
    }

    @Test
    void theIdDependsOnlyOnTheBackendUrl() {
        Backend one = new Backend(BackendSpec.parseList("http://10.1.2.3:8080").get(0));
        Backend again = new Backend(BackendSpec.parseList("http://10.1.2.3:8080 weight=5").get(0));
        Backend other = new Backend(BackendSpec.parseList("http://10.1.2.4:8080").get(0));
        assertThat(StickySessions.id(one)).isEqualTo(StickySessions.id(again)).isNotEqualTo(StickySessions.id(other));
    }
}
