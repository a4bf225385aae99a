package dev.balancer.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ring's quality in numbers over 100,000 keys: how even, how little moves when a backend leaves, how well it
 * follows weights. Checked on the plain pool of the docs and on 20 pools of random addresses (fixed seed), so a
 * lucky set of URLs cannot hide a ring that is too coarse.
 */
class HashRingTest {
    private static final int KEYS = 100_000;
    private static final HashKey URI_KEY = HashKey.parse("uri", false);
    private static final long[] KEY_HASHES = new long[KEYS];

    static {
        for (int k = 0; k < KEYS; k++) {
            KEY_HASHES[k] = HashRingPicker.hash("/user/" + k);
        }
    }

    private static List<TestEndpoint> pool(SplittableRandom random, int... weights) {
        List<TestEndpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            String url = random == null
                    ? "http://10.0.0." + (i + 1) + ":8080"
                    : "http://10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + ":" + random.nextInt(1024, 65536);
            list.add(new TestEndpoint(url, weights[i]));
        }
        return list;
    }

    private static List<List<TestEndpoint>> fiveEqualBackendPools() {
        List<List<TestEndpoint>> pools = new ArrayList<>();
        pools.add(pool(null, 1, 1, 1, 1, 1));
        SplittableRandom random = new SplittableRandom(2024);
        for (int i = 0; i < 20; i++) {
            pools.add(pool(random, 1, 1, 1, 1, 1));
        }
        return pools;
    }

    private static Map<TestEndpoint, Integer> load(HashRingPicker<TestEndpoint> ring) {
        Map<TestEndpoint, Integer> load = new HashMap<>();
        for (long h : KEY_HASHES) {
            load.merge(ring.owner(h), 1, Integer::sum);
        }
        return load;
    }

    @Test
    void withFiveEqualBackendsTheBusiestGetsAtMostOnePointOneTimesTheMean() {
        for (List<TestEndpoint> pool : fiveEqualBackendPools()) {
            Map<TestEndpoint, Integer> load = load(new HashRingPicker<>(pool, URI_KEY));
            double mean = KEYS / 5.0;
            assertThat(load.values().stream().mapToInt(Integer::intValue).max().orElseThrow() / mean)
                    .as("max/mean over %s: %s", pool, load).isLessThanOrEqualTo(1.10);
        }
    }

    @Test
    void removingABackendMovesOnlyItsOwnKeysAtMostOnePointOneOverN() {
        for (List<TestEndpoint> pool : fiveEqualBackendPools()) {
            TestEndpoint removed = pool.get(4);
            HashRingPicker<TestEndpoint> full = new HashRingPicker<>(pool, URI_KEY);
            HashRingPicker<TestEndpoint> rest = new HashRingPicker<>(pool.subList(0, 4), URI_KEY);
            int moved = 0;
            int movedFromSurvivors = 0;
            int owned = 0;
            for (long h : KEY_HASHES) {
                TestEndpoint before = full.owner(h);
                owned += before == removed ? 1 : 0;
                if (before != rest.owner(h)) {
                    moved++;
                    movedFromSurvivors += before == removed ? 0 : 1;
                }
            }
            assertThat(movedFromSurvivors).as("keys moved between surviving backends in %s", pool).isZero();
            assertThat(moved).as("every key of the removed backend moved").isEqualTo(owned);
            assertThat(moved / (double) KEYS).as("moved fraction in %s", pool).isLessThanOrEqualTo(1.1 / 5);
        }
    }

    @Test
    void sharesFollowWeightsWithinTenPercent() {
        int[] weights = {1, 2, 3, 4};
        SplittableRandom random = new SplittableRandom(7);
        for (int p = 0; p < 20; p++) {
            List<TestEndpoint> pool = pool(p == 0 ? null : random, weights);
            Map<TestEndpoint, Integer> load = load(new HashRingPicker<>(pool, URI_KEY));
            for (int i = 0; i < weights.length; i++) {
                double expected = KEYS * weights[i] / 10.0;
                assertThat(load.get(pool.get(i)) / expected).as("weight %d in %s: %s", weights[i], pool, load)
                        .isBetween(0.90, 1.10);
            }
        }
    }
}
