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
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@ThroughBothFrontEnds
class StrategyEndToEndTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    StrategyEndToEndTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    @Test
    void leastConnectionsSendsNewRequestsAwayFromABackendHoldingSlowOnes() throws Exception {
        List<TestBackend> backends = servers.backends(3);
        TestBalancer balancer = servers.balancer(backends, "strategy", "least-connections");
        CompletableFuture<HttpResponse<String>> slow = Http.CLIENT.sendAsync(
                HttpRequest.newBuilder(URI.create(balancer.url() + "/hold")).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> backends.stream().anyMatch(b -> b.holding() == 1));
        TestBackend busy = backends.stream().filter(b -> b.holding() == 1).findFirst().orElseThrow();

        for (int i = 0; i < 20; i++) {
            assertThat(Http.get(balancer.url() + "/quick").statusCode()).isEqualTo(200);
        }

        assertThat(busy.requests("/quick")).isZero();
        // Ties among the idle ones rotate, so both idle backends share the quick requests.
        backends.stream().filter(b -> b != busy).forEach(b -> assertThat(b.requests("/quick")).isBetween(5, 15));
        busy.release();
        assertThat(slow.get().statusCode()).isEqualTo(200);
    }

    @Test
    void hashOnClientIpSendsEachClientToOneBackend() throws Exception {
        List<TestBackend> backends = servers.backends(3);
        TestBalancer balancer = servers.balancer(backends, "strategy", "hash", "hashOn", "client-ip");
        Map<String, String> ownerByClient = new HashMap<>();
        for (int client = 2; client <= 9; client++) {
            String address = "127.0.0." + client;
            for (int i = 0; i < 5; i++) {
                String owner = rawGetFrom(address, balancer.port()).split(" ")[0];
                String first = ownerByClient.putIfAbsent(address, owner);
                assertThat(first == null ? owner : first).as("client " + address).isEqualTo(owner);
            }
        }
        assertThat(ownerByClient.values()).as("8 clients spread over more than one backend").hasSizeGreaterThan(0);
        assertThat(new java.util.HashSet<>(ownerByClient.values())).hasSizeGreaterThan(1);
    }

    /** A GET sent from a chosen loopback source address, so the balancer sees a different client IP. */
    private static String rawGetFrom(String sourceAddress, int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(sourceAddress), 0)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /who HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200");
            return answer.substring(answer.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void hashOnHeaderIsStickyAndSpreadsThousandKeysEvenlyOverFourBackends() throws Exception {
        List<TestBackend> backends = servers.backends(4);
        TestBalancer balancer = servers.balancer(backends, "strategy", "hash", "hashOn", "header:X-User");
        Map<String, Integer> perBackend = new HashMap<>();
        for (int user = 0; user < 1000; user++) {
            String owner = getAs(balancer, "X-User", "user-" + user);
            perBackend.merge(owner, 1, Integer::sum);
            if (user % 100 == 0) {
                assertThat(getAs(balancer, "X-User", "user-" + user)).isEqualTo(owner);
            }
        }
        assertThat(perBackend).hasSize(4);
        assertThat(perBackend.values()).allSatisfy(n -> assertThat(n).isBetween(188, 312));
    }

    @Test
    void hashOnCookieIsSticky() throws Exception {
        List<TestBackend> backends = servers.backends(3);
        TestBalancer balancer = servers.balancer(backends, "strategy", "hash", "hashOn", "cookie:session");
        for (int s = 0; s < 20; s++) {
            String first = getAs(balancer, "Cookie", "session=s" + s + "; other=x");
            for (int i = 0; i < 3; i++) {
                assertThat(getAs(balancer, "Cookie", "other=y; session=s" + s)).isEqualTo(first);
            }
        }
    }

    private static String getAs(TestBalancer balancer, String header, String value) {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/k"))
                .header(header, value).build());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().split(" ")[0];
    }

    @Test
    void randomAndPowerOfTwoReachEveryBackend() throws Exception {
        for (String strategy : List.of("random", "power-of-two")) {
            List<TestBackend> backends = servers.backends(3);
            TestBalancer balancer = servers.balancer(backends, "strategy", strategy);
            for (int i = 0; i < 60; i++) {
                assertThat(Http.get(balancer.url() + "/x").statusCode()).isEqualTo(200);
            }
            assertThat(backends).as(strategy).allSatisfy(b -> assertThat(b.requests()).isPositive());
        }
    }
}
