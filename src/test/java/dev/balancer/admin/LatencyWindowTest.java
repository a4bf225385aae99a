package dev.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The latency summary, on an explicit nano clock. */
class LatencyWindowTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long ORIGIN = 5 * SECOND;

    @Test
    void emptyWindowHasNoNumbers() {
        LatencyWindow.Latency latency = new LatencyWindow(ORIGIN, 60).summary(ORIGIN);
        assertThat(latency).isEqualTo(new LatencyWindow.Latency(null, null, null, 0));
    }

    @Test
    void percentilesUseNearestRankOverTheSamples() {
        LatencyWindow window = new LatencyWindow(ORIGIN, 60);
        for (int ms = 1; ms <= 100; ms++) {
            window.record(ms * MS, ORIGIN + ms);
        }
        LatencyWindow.Latency latency = window.summary(ORIGIN + SECOND);
        assertThat(latency.samples()).isEqualTo(100);
        assertThat(latency.p50Millis()).isEqualTo(50.0);
        assertThat(latency.p99Millis()).isEqualTo(99.0);
    }

    @Test
    void ewmaStartsAtTheFirstSampleAndMovesByAlpha() {
        LatencyWindow window = new LatencyWindow(ORIGIN, 60);
        window.record(10 * MS, ORIGIN);
        assertThat(window.summary(ORIGIN).ewmaMillis()).isEqualTo(10.0);
        window.record(20 * MS, ORIGIN);
        assertThat(window.summary(ORIGIN).ewmaMillis()).isEqualTo(10.0 + LatencyWindow.ALPHA * 10);
    }

    @Test
    void samplesOlderThanTheWindowAreLeftOutButTheEwmaRemembers() {
        LatencyWindow window = new LatencyWindow(ORIGIN, 60);
        window.record(500 * MS, ORIGIN);
        window.record(1 * MS, ORIGIN + 70 * SECOND);
        LatencyWindow.Latency latency = window.summary(ORIGIN + 70 * SECOND);
        assertThat(latency.samples()).isEqualTo(1);
        assertThat(latency.p99Millis()).isEqualTo(1.0);
        assertThat(latency.ewmaMillis()).isGreaterThan(1.0);
        assertThat(window.summary(ORIGIN + 200 * SECOND).samples()).isZero();
    }

    @Test
    void theRingKeepsOnlyTheLatestSamples() {
        LatencyWindow window = new LatencyWindow(ORIGIN, 60);
        for (int i = 0; i < LatencyWindow.SIZE; i++) {
            window.record(900 * MS, ORIGIN);
        }
        for (int i = 0; i < LatencyWindow.SIZE; i++) {
            window.record(2 * MS, ORIGIN);
        }
        LatencyWindow.Latency latency = window.summary(ORIGIN);
        assertThat(latency.samples()).isEqualTo(LatencyWindow.SIZE);
        assertThat(latency.p99Millis()).isEqualTo(2.0);
    }

    @Test
    void concurrentWritersLoseNoEwmaUpdateAndFillTheRing() throws Exception {
        LatencyWindow window = new LatencyWindow(ORIGIN, 60);
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            writers[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    window.record(7 * MS, ORIGIN);
                }
            });
            writers[t].start();
        }
        for (Thread writer : writers) {
            writer.join();
        }
        LatencyWindow.Latency latency = window.summary(ORIGIN);
        assertThat(latency.samples()).isEqualTo(LatencyWindow.SIZE);
        assertThat(latency.ewmaMillis()).isEqualTo(7.0);
        assertThat(latency.p50Millis()).isEqualTo(7.0);
    }
}
