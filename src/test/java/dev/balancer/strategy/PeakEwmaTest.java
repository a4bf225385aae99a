package dev.balancer.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The estimator alone, on a clock the test moves: every expected value is computed by hand from the definition. */
class PeakEwmaTest {
    private static final double TAU = 10e9;
    private static final long MS = 1_000_000;

    @Test
    void isUnmeasuredUntilTheFirstSampleWhichItTakesAsItIs() {
        PeakEwma latency = new PeakEwma(TAU, Double.NaN, 0);
        assertThat(latency.nanos(0)).isNaN();
        latency.observe(7 * MS, 0);
        assertThat(latency.nanos(0)).isEqualTo(7 * MS);
    }

    @Test
    void aHigherSampleReplacesTheEstimateAtOnce() {
        PeakEwma latency = new PeakEwma(TAU, 5 * MS, 0);
        latency.observe(200 * MS, 1);
        assertThat(latency.nanos(1)).isEqualTo(200 * MS);
    }

    @Test
    void aLowerSampleWeighsByTheTimeSinceThePreviousOne() {
        PeakEwma latency = new PeakEwma(TAU, 100 * MS, 0);
        long oneTau = (long) TAU;
        latency.observe(10 * MS, oneTau);
        double weight = Math.exp(-1);
        assertThat(latency.nanos(oneTau)).isCloseTo(100 * MS * weight + 10 * MS * (1 - weight), within(1.0));

        // A moment later, a low sample hardly moves it: one quick answer does not prove a recovery.
        double before = latency.nanos(oneTau);
        latency.observe(1 * MS, oneTau + MS);
        assertThat(latency.nanos(oneTau + MS)).isGreaterThan(before * 0.999);
    }

    @Test
    void withoutSamplesTheValueFadesTowardZeroWithTimeConstantTau() {
        PeakEwma latency = new PeakEwma(TAU, 200 * MS, 0);
        assertThat(latency.nanos((long) TAU)).isCloseTo(200 * MS * Math.exp(-1), within(1.0));
        assertThat(latency.nanos((long) (5 * TAU))).isCloseTo(200 * MS * Math.exp(-5), within(1.0));
        // Reading changes nothing: the same instant reads the same value.
        assertThat(latency.nanos((long) TAU)).isCloseTo(200 * MS * Math.exp(-1), within(1.0));
    }

    @Test
    void aClockReadingBehindTheEstimateDoesNotInflateIt() {
        PeakEwma latency = new PeakEwma(TAU, 50 * MS, 1000);
        assertThat(latency.nanos(999)).isEqualTo(50 * MS);
    }

    @Test
    void theKeyPicksReadAgreesWithTheEstimateAfterConcurrentSamples() throws Exception {
        PeakEwma latency = new PeakEwma(TAU, Double.NaN, 0);
        assertThat(latency.fadeKey()).isNaN();
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long offset = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 1; i <= 20_000; i++) {
                        latency.observe((i % 7 + offset) * MS, i);
                    }
                    return null;
                }));
            }
            for (Future<?> each : done) {
                each.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // Whichever sample won last, fadeKey is ln(estimate faded to t) + t/tau for any t at or after it.
        assertThat(latency.fadeKey()).isCloseTo(Math.log(latency.nanos(20_000)) + 20_000 / TAU, within(1e-9));
    }
}
