package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private TestBackend backend(String name) throws Exception {
        TestBackend backend = new TestBackend(name);
        servers.add(backend);
        return backend;
    }

    private TestBalancer balancer(Map<String, String> params) throws Exception {
        TestBalancer balancer = new TestBalancer(params);
        servers.add(balancer);
        return balancer;
    }

    private static List<String> answers(TestBalancer balancer, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var response = Http.get(balancer.url() + "/hello?i=" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            names.add(response.body().split(" ")[0]);
        }
        return names;
    }

    @Test
    void thirtyRequestsOverThreeBackendsGiveExactlyTenEach() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        TestBackend c = backend("c");
        TestBalancer balancer = balancer(Map.of("backends", a.url() + "," + b.url() + "," + c.url()));

        Map<String, Long> counts = answers(balancer, 30).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 10L, "b", 10L, "c", 10L));
        assertThat(List.of(a.requests(), b.requests(), c.requests())).containsExactly(10, 10, 10);
    }

    @Test
    void weightsThreeToOneGiveAnExactAndSmoothSplit() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        TestBalancer balancer = balancer(Map.of("backends", a.url() + " weight=3, " + b.url()));

        List<String> names = answers(balancer, 400);

        assertThat(a.requests()).isEqualTo(300);
        assertThat(b.requests()).isEqualTo(100);
        // Smooth: b comes every fourth request, never after a burst of four a's.
        assertThat(String.join("", names)).doesNotContain("aaaa").doesNotContain("bb");
    }
}
