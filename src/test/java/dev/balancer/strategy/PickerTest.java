package dev.balancer.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PickerTest {

    static List<TestEndpoint> backends(int... weights) {
        return TestEndpoint.endpoints(weights);
    }

    /** Round robin starting at the first backend, as nginx does; the default starts at a random one. */
    static Strategy roundRobinFromTheStart() {
        return new RoundRobinStrategy(() -> 0L);
    }

    static String sequence(Picker<TestEndpoint> picker, List<TestEndpoint> backends, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> String.valueOf((char) ('a' + backends.indexOf(picker.pick(null)))))
                .collect(Collectors.joining());
    }

    @Test
    void smoothWeightedRoundRobinInterleavesLikeNginx() {
        List<TestEndpoint> backends = backends(5, 1, 1);
        assertThat(sequence(roundRobinFromTheStart().newPicker(backends), backends, 14)).isEqualTo("aabacaa" + "aabacaa");
    }

    @Test
    void roundRobinReducesWeightsByTheirGcd() {
        List<TestEndpoint> backends = backends(200, 100);
        assertThat(sequence(roundRobinFromTheStart().newPicker(backends), backends, 6)).isEqualTo("abaaba");
    }

    @Test
    void roundRobinSharesTenThousandConcurrentPicksWithinOnePercentAlsoWithWeights() throws Exception {
        for (int[] weights : List.of(new int[] {1, 1, 1}, new int[] {5, 3, 2, 1})) {
            List<TestEndpoint> backends = backends(weights);
            Picker<TestEndpoint> picker = Strategy.roundRobin().newPicker(backends);
            Map<TestEndpoint, Integer> counts = new ConcurrentHashMap<>();
            // Four threads at once: the shared turn counter must neither lose nor repeat a turn.
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    done.add(threads.submit(() -> {
                        for (int i = 0; i < 2500; i++) {
                            counts.merge(picker.pick(null), 1, Integer::sum);
                        }
                    }));
                }
                for (Future<?> future : done) {
                    future.get(10, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            double[] perWeight = IntStream.range(0, weights.length)
                    .mapToDouble(i -> counts.get(backends.get(i)) / (double) weights[i]).toArray();
            double max = Arrays.stream(perWeight).max().orElseThrow();
            double min = Arrays.stream(perWeight).min().orElseThrow();
            assertThat(max / min).as("weights %s: %s", Arrays.toString(weights), counts).isLessThanOrEqualTo(1.01);
        }
    }

    @Test
    void weightedRandomFollowsWeights() {
        List<TestEndpoint> backends = backends(3, 1);
        Picker<TestEndpoint> picker = Strategy.random().newPicker(backends);
        int first = 0;
        for (int i = 0; i < 40_000; i++) {
            if (picker.pick(null) == backends.get(0)) {
                first++;
            }
        }
        assertThat(first / 40_000.0).isBetween(0.73, 0.77);
    }

    @Test
    void leastConnectionsAvoidsTheBusyBackendAndRotatesTies() {
        List<TestEndpoint> backends = backends(1, 1, 1);
        backends.get(1).requestStarted();
        Picker<TestEndpoint> picker = Strategy.leastConnections().newPicker(backends);
        String picks = sequence(picker, backends, 60);
        assertThat(picks).doesNotContain("b").contains("a").contains("c");
    }

    @Test
    void leastConnectionsSharesEvenlyAmongTiesWhateverSitsBetweenThem() {
        List<TestEndpoint> backends = backends(1, 1, 1);
        backends.get(1).requestStarted();
        Picker<TestEndpoint> picker = Strategy.leastConnections().newPicker(backends);
        Map<TestEndpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            counts.merge(picker.pick(null), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(backends.get(0), backends.get(2));
        // Each tie is equally likely: 300 expected, and 60 is five standard deviations.
        assertThat(counts.get(backends.get(0))).isBetween(240, 360);
    }

    @Test
    void leastConnectionsWeighsInFlightByWeight() {
        List<TestEndpoint> backends = backends(4, 1);
        for (int i = 0; i < 3; i++) {
            backends.get(0).requestStarted();
        }
        // 3 in flight at weight 4 is lighter than 1 at weight 1.
        backends.get(1).requestStarted();
        assertThat(Strategy.leastConnections().newPicker(backends).pick(null)).isSameAs(backends.get(0));
    }

    @Test
    void leastConnectionsInALargePoolStaysAwayFromBusyBackends() {
        int[] weights = new int[200];
        java.util.Arrays.fill(weights, 1);
        List<TestEndpoint> backends = backends(weights);
        for (int i = 0; i < 200; i++) {
            if (i % 2 == 0) {
                backends.get(i).requestStarted();
            }
        }
        Picker<TestEndpoint> picker = Strategy.leastConnections().newPicker(backends);
        for (int i = 0; i < 1000; i++) {
            assertThat(backends.indexOf(picker.pick(null)) % 2).as("an idle backend, never a busy one").isEqualTo(1);
        }
    }

    @Test
    void powerOfTwoNeverPicksTheBusierOfTwo() {
        List<TestEndpoint> backends = backends(1, 1);
        backends.get(0).requestStarted();
        Picker<TestEndpoint> picker = Strategy.powerOfTwo().newPicker(backends);
        for (int i = 0; i < 100; i++) {
            assertThat(picker.pick(null)).isSameAs(backends.get(1));
        }
    }

    @Test
    void hashRingDoesNotDependOnBackendOrder() {
        List<TestEndpoint> backends = backends(1, 2, 1);
        List<TestEndpoint> reversed = new ArrayList<>(backends);
        java.util.Collections.reverse(reversed);
        HashRingPicker<TestEndpoint> a = new HashRingPicker<>(backends, HashKey.parse("uri", false));
        HashRingPicker<TestEndpoint> b = new HashRingPicker<>(reversed, HashKey.parse("uri", false));
        for (int i = 0; i < 10_000; i++) {
            long h = HashRingPicker.hash("key-" + i);
            assertThat(a.owner(h)).isSameAs(b.owner(h));
        }
    }
}
