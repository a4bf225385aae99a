package dev.balancer.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** least-latency on a clock the test moves and a seeded generator: the same picks on every run. */
class LeastLatencyStrategyTest {
    private static final long MS = 1_000_000;
    private static final long TAU = 10_000 * MS;

    private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    private final SplittableRandom random = new SplittableRandom(42);
    private final LeastLatencyStrategy strategy = new LeastLatencyStrategy(TAU, clock::get, () -> random);

    private void answered(TestEndpoint backend, long millis) {
        strategy.attemptEnded(backend, 200, millis * MS, null);
    }

    private static Map<TestEndpoint, Integer> picks(Picker<TestEndpoint> picker, int n) {
        Map<TestEndpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(picker.pick(null), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void neverPicksABackend200MillisSlowerWhileTheOthersAreIdle() {
        List<TestEndpoint> backends = PickerTest.backends(1, 1, 1);
        Picker<TestEndpoint> picker = strategy.newPicker(backends);
        answered(backends.get(0), 2);
        answered(backends.get(1), 3);
        answered(backends.get(2), 200);

        Map<TestEndpoint, Integer> counts = picks(picker, 10_000);

        assertThat(counts.get(backends.get(2))).isNull();
        // Without load the faster of the two fast ones wins whenever drawn with it: its pairs are (a,b), (a,c) and (b,c).
        assertThat(counts.get(backends.get(0)) / 10_000.0).isCloseTo(2 / 3.0, within(0.02));
    }

    @Test
    void requestsInFlightMakeTheFastestLoseItsEdge() {
        List<TestEndpoint> backends = PickerTest.backends(1, 1);
        Picker<TestEndpoint> picker = strategy.newPicker(backends);
        answered(backends.get(0), 1);
        answered(backends.get(1), 20);
        for (int i = 0; i < 19; i++) {
            backends.get(0).requestStarted();
        }
        // 1 ms × (19 + 1) is as good as 20 ms × 1: a tie keeps either. One more request and the slow one is better.
        backends.get(0).requestStarted();
        assertThat(picks(picker, 100)).containsOnlyKeys(backends.get(1));
    }

    @Test
    void weightScalesTheCost() {
        List<TestEndpoint> backends = PickerTest.backends(3, 1);
        Picker<TestEndpoint> picker = strategy.newPicker(backends);
        answered(backends.get(0), 10);
        answered(backends.get(1), 10);
        backends.get(0).requestStarted();
        // 10 ms × 2 / 3 beats 10 ms × 1 / 1.
        assertThat(picks(picker, 100)).containsOnlyKeys(backends.get(0));
    }

    @Test
    void aBackendJoiningOrRecoveringStartsAtTheMedianNotAtZero() {
        List<TestEndpoint> backends = PickerTest.backends(1, 1, 1, 1);
        TestEndpoint slow = backends.get(2);
        TestEndpoint newcomer = backends.get(3);
        strategy.newPicker(backends.subList(0, 3));
        answered(backends.get(0), 1);
        answered(backends.get(1), 3);
        answered(slow, 100);

        strategy.newPicker(backends);
        assertThat(strategy.latencyNanos(newcomer)).isEqualTo(3 * MS);

        // Ejected and back: its 100 ms are forgotten, it starts again at the median of the others.
        strategy.newPicker(List.of(backends.get(0), backends.get(1), newcomer));
        assertThat(strategy.latencyNanos(slow)).isNaN();
        strategy.newPicker(backends);
        assertThat(strategy.latencyNanos(slow)).isEqualTo(3 * MS);
    }

    @Test
    void anUnmeasuredBackendGetsOneRequestAtATimeUntilItAnswers() {
        List<TestEndpoint> backends = PickerTest.backends(1, 1);
        TestEndpoint measured = backends.get(0);
        TestEndpoint unmeasured = backends.get(1);
        Picker<TestEndpoint> picker = strategy.newPicker(backends);
        answered(measured, 50);
        for (int i = 0; i < 10; i++) {
            measured.requestStarted();
        }
        // Idle and unmeasured: worth a try even against a busy measured backend.
        assertThat(picks(picker, 20)).containsOnlyKeys(unmeasured);
        unmeasured.requestStarted();
        // One request outstanding and still no answer: no more until it answers.
        assertThat(picks(picker, 20)).containsOnlyKeys(measured);
    }

    @Test
    void aFailureCountsAsTwiceTheEstimateSoFailingFastDoesNotLookFast() {
        List<TestEndpoint> backends = PickerTest.backends(1);
        strategy.newPicker(backends);
        answered(backends.get(0), 10);
        strategy.attemptEnded(backends.get(0), 0, MS / 10, new java.net.ConnectException("refused"));
        assertThat(strategy.latencyNanos(backends.get(0))).isEqualTo(20 * MS);
    }

    @Test
    void anAvoidedSlowBackendIsTriedAgainOnceItsEstimateHasFaded() {
        List<TestEndpoint> backends = PickerTest.backends(1, 1, 1);
        TestEndpoint slow = backends.get(2);
        Picker<TestEndpoint> picker = strategy.newPicker(backends);
        answered(slow, 200);
        int slowPicks = 0;
        int seconds = 0;
        // The fast ones keep answering in 1 ms; the slow one gets nothing and fades: 200 ms × e^(-t/10 s) < 1 ms after 53 s.
        while (slowPicks == 0 && seconds < 120) {
            clock.addAndGet(1000 * MS);
            seconds++;
            answered(backends.get(0), 1);
            answered(backends.get(1), 1);
            slowPicks = picks(picker, 100).getOrDefault(slow, 0);
        }
        assertThat(seconds).isBetween(50, 60);
    }

    @Test
    void attemptsOfABackendNoLongerAvailableAreIgnored() {
        List<TestEndpoint> backends = PickerTest.backends(1, 1);
        strategy.newPicker(backends.subList(0, 1));
        answered(backends.get(1), 5);
        assertThat(strategy.latencyNanos(backends.get(1))).isNaN();
    }
}
