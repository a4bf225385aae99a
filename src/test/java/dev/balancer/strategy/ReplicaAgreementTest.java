package dev.balancer.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.backend.Backend;
import dev.balancer.config.BackendSpec;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two Balancer replicas behind one Service must send a key to the same backend, or caches and sessions split. Their
 * backend lists differ in order, and one learned its members in a different sequence (as discovery would).
 */
class ReplicaAgreementTest {
    private static final int KEYS = 10_000;
    /** Keys also sent over HTTP, tying the ring that is asked to the routing that happens. */
    private static final int KEYS_OVER_HTTP = 100;
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private <T extends AutoCloseable> T started(T server) {
        servers.add(server);
        return server;
    }

    private static String urls(TestBackend... backends) {
        return Arrays.stream(backends).map(TestBackend::url).collect(Collectors.joining(","));
    }

    @Test
    void twoReplicasWithBackendsInDifferentOrdersAgreeOnTheOwnerOfTenThousandKeys() throws Exception {
        TestBackend a = started(new TestBackend("a"));
        TestBackend b = started(new TestBackend("b"));
        TestBackend c = started(new TestBackend("c"));
        TestBackend d = started(new TestBackend("d"));
        Map<String, String> name = Map.of(a.url(), "a", b.url(), "b", c.url(), "c", d.url(), "d");
        TestBalancer one = started(new TestBalancer(FrontEnd.HANDLER, Map.of("strategy", "hash", "hashOn", "header:X-Key", "backends", urls(a, b, c, d))));
        TestBalancer two = started(new TestBalancer(FrontEnd.HANDLER, Map.of("strategy", "hash", "hashOn", "header:X-Key", "backends", urls(d, c))));
        // The second replica's pool grows later, from a list in yet another order.
        two.pool().updateMembers(Stream.of(b, d, a, c).map(t -> BackendSpec.parse(t.url())).toList());

        // The running servlets' own pickers, asked for every key as a request carrying it would.
        HashRingPicker<Backend> ringOne = (HashRingPicker<Backend>) one.pool().snapshot().picker();
        HashRingPicker<Backend> ringTwo = (HashRingPicker<Backend>) two.pool().snapshot().picker();
        int disagreements = 0;
        Map<String, Integer> perBackend = new HashMap<>();
        for (int key = 0; key < KEYS; key++) {
            long hash = HashRingPicker.hash("key-" + key);
            String owner = ringOne.owner(hash).baseUrl();
            if (!owner.equals(ringTwo.owner(hash).baseUrl())) {
                disagreements++;
            }
            perBackend.merge(name.get(owner), 1, Integer::sum);
        }
        assertThat(disagreements).isZero();
        // Agreement is not trivial: the keys spread over all four backends.
        assertThat(perBackend).containsOnlyKeys("a", "b", "c", "d");
        assertThat(perBackend.values()).allSatisfy(n -> assertThat(n).isBetween(KEYS / 4 - KEYS / 10, KEYS / 4 + KEYS / 10));

        for (int key = 0; key < KEYS_OVER_HTTP; key++) {
            String expected = name.get(ringOne.owner(HashRingPicker.hash("key-" + key)).baseUrl());
            assertThat(ownerOverHttp(one, "key-" + key)).isEqualTo(expected);
            assertThat(ownerOverHttp(two, "key-" + key)).isEqualTo(expected);
        }
    }

    private static String ownerOverHttp(TestBalancer balancer, String key) {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/k")).header("X-Key", key).build());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().split(" ")[0];
    }
}
