package dev.balancer.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Round robin's state across picker rebuilds, its random start, and the bound on its weighted cycle. */
class RoundRobinTest {

    @Test
    void aNewPickerContinuesTheRotationWhereTheLastOneLeftOff() {
        List<TestEndpoint> backends = TestEndpoint.endpoints(1, 1, 1);
        Strategy strategy = PickerTest.roundRobinFromTheStart();
        assertThat(strategy.newPicker(backends).pick(null)).isSameAs(backends.get(0));
        // The pool rebuilds on every health transition and slow-start step: the next request goes to b, not a again.
        assertThat(PickerTest.sequence(strategy.newPicker(backends), backends, 5)).isEqualTo("bcabc");
    }

    @Test
    void aNewWeightedPickerContinuesItsCycle() {
        List<TestEndpoint> backends = TestEndpoint.endpoints(5, 1, 1);
        Strategy strategy = PickerTest.roundRobinFromTheStart();
        assertThat(PickerTest.sequence(strategy.newPicker(backends), backends, 3)).isEqualTo("aab");
        assertThat(PickerTest.sequence(strategy.newPicker(backends), backends, 11)).isEqualTo("acaa" + "aabacaa");
    }

    @Test
    void twoInstancesWithDifferentSeedsStartAtDifferentBackends() {
        List<TestEndpoint> backends = TestEndpoint.endpoints(1, 1, 1);
        TestEndpoint first = new RoundRobinStrategy(new SplittableRandom(1)).newPicker(backends).pick(null);
        TestEndpoint second = new RoundRobinStrategy(new SplittableRandom(2)).newPicker(backends).pick(null);
        assertThat(first).isNotSameAs(second);
    }

    @Test
    void startingPointsSpreadOverTheBackends() {
        List<TestEndpoint> backends = TestEndpoint.endpoints(1, 1, 1);
        SplittableRandom seeds = new SplittableRandom(2024);
        Map<TestEndpoint, Integer> firstPicks = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            firstPicks.merge(new RoundRobinStrategy(seeds.split()).newPicker(backends).pick(null), 1, Integer::sum);
        }
        // 100 expected each; 40 is about five standard deviations (sqrt(300 × 1/3 × 2/3) = 8.2).
        assertThat(firstPicks).hasSize(3);
        assertThat(firstPicks.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    @Test
    void aThousandBackendsWithWeightsUpToAThousandMakeABoundedCycle() {
        int[] weights = new int[1000];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i + 1; // sum 500,500: without the bound, a cycle of 500,500 entries
        }
        List<TestEndpoint> backends = TestEndpoint.endpoints(weights);
        int[] cycle = RoundRobinPicker.smoothCycle(backends.toArray(new Endpoint[0]));

        assertThat(cycle.length).isLessThanOrEqualTo(RoundRobinPicker.MAX_CYCLE);
        int[] entries = new int[weights.length];
        for (int index : cycle) {
            entries[index]++;
        }
        assertThat(Arrays.stream(entries).min().orElseThrow()).as("every backend keeps a turn").isGreaterThanOrEqualTo(1);
        // Scaled in proportion: weight 1,000 still gets twice the turns of weight 500 and ten times those of weight 100.
        assertThat(entries[999] / (double) entries[499]).isBetween(1.98, 2.02);
        assertThat(entries[999] / (double) entries[99]).isBetween(9.8, 10.2);
    }

    @Test
    void weightsWithinTheBoundAreNotScaled() {
        int[] weights = {3, 7, 1000};
        List<TestEndpoint> backends = TestEndpoint.endpoints(weights);
        assertThat(RoundRobinPicker.weights(backends.toArray(new Endpoint[0]))).containsExactly(weights);
        assertThat(RoundRobinPicker.smoothCycle(backends.toArray(new Endpoint[0]))).hasSize(1010);
    }
}
