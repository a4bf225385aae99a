package dev.balancer.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The non-hash pick paths allocate nothing: measured with the JVM's per-thread allocation counter. */
class PickPathTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void picksAllocateNothing() {
        List<TestEndpoint> backends = PickerTest.backends(3, 1, 1, 2);
        LeastLatencyStrategy leastLatency = (LeastLatencyStrategy) Strategy.leastLatency(Duration.ofSeconds(10));
        Picker<TestEndpoint> measured = leastLatency.newPicker(backends);
        backends.forEach(b -> leastLatency.attemptEnded(b, 200, 1_000_000, null));
        for (Picker<TestEndpoint> picker : List.of(Strategy.roundRobin().newPicker(backends), Strategy.random().newPicker(backends),
                Strategy.leastConnections().newPicker(backends), Strategy.powerOfTwo().newPicker(backends), measured)) {
            pick(picker, 1000); // class loading and first-call bookkeeping happen here, not in the measurement
            // The least of three: a one-off allocation of the runtime (a compilation landing mid-loop) is no pick's.
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                long before = THREADS.getCurrentThreadAllocatedBytes();
                pick(picker, 10_000);
                allocated = Math.min(allocated, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
            // One object per pick, 16 bytes at the least, would make 160,000.
            assertThat(allocated).as(picker.getClass().getSimpleName()).isLessThan(4096);
        }
    }

    private static void pick(Picker<?> picker, int n) {
        for (int i = 0; i < n; i++) {
            if (picker.pick(null) == null) {
                throw new AssertionError("no pick");
            }
        }
    }
}
