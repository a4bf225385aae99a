package dev.balancer.strategy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Least latency: power of two choices by peak-EWMA latency × (in-flight + 1), as in Finagle and Linkerd.
 *
 * <p>This strategy learns, so it holds state across pickers and belongs to one pool: the pool
 * reports every finished attempt to {@link #attemptEnded}, which feeds the latency estimate of its endpoint.
 * The estimates live here, not in a picker, because the pool builds a new picker on every availability change and
 * what was learnt must survive that. A picker only holds the estimates of its backends in an array, so picking never
 * looks anything up.
 *
 * <p>A backend that joins the available set (new, or recovered from ejection or ill health) starts at the median of
 * the others' estimates: at zero it would look fastest and be flooded, at the maximum it would starve.
 */
final class LeastLatencyStrategy implements Strategy {
    private final double tauNanos;
    private final LongSupplier nanoClock;
    private final Supplier<? extends RandomGenerator> random;
    /** The estimates of the currently available backends; dropped when one leaves, so nothing piles up. */
    private final Map<Endpoint, PeakEwma> latencies = new ConcurrentHashMap<>();

    /**
     * @param tauNanos  decay time constant of the estimates ({@code latencyDecay})
     * @param nanoClock monotonic time in nanoseconds; {@code System::nanoTime} outside tests
     * @param random    the generator for one pick; {@code ThreadLocalRandom::current} outside tests
     */
    LeastLatencyStrategy(long tauNanos, LongSupplier nanoClock, Supplier<? extends RandomGenerator> random) {
        if (tauNanos <= 0) {
            throw new IllegalArgumentException("the decay time must be positive");
        }
        this.tauNanos = tauNanos;
        this.nanoClock = nanoClock;
        this.random = random;
    }

    /** Called by the pool, one change at a time; synchronized all the same, as it compares and replaces state. */
    @Override
    public synchronized <E extends Endpoint> Picker<E> newPicker(List<E> backends) {
        long now = nanoClock.getAsLong();
        latencies.keySet().retainAll(new HashSet<>(backends));
        double median = median(now);
        PeakEwma[] estimates = new PeakEwma[backends.size()];
        for (int i = 0; i < estimates.length; i++) {
            estimates[i] = latencies.computeIfAbsent(backends.get(i), joined -> new PeakEwma(tauNanos, median, now));
        }
        return new LeastLatencyPicker<>(backends, estimates, random);
    }

    /**
     * A response's duration is a sample as it is. A failed attempt (refused, reset, timed out) counts as twice the
     * current estimate, or its own duration if longer: failing fast must not make a backend look fast.
     */
    @Override
    public void attemptEnded(Endpoint backend, int status, long durationNanos, Throwable failure) {
        PeakEwma latency = latencies.get(backend);
        if (latency == null) {
            return; // no longer available: whatever it learns is dropped anyway
        }
        long now = nanoClock.getAsLong();
        long sample = durationNanos;
        if (failure != null) {
            double current = latency.nanos(now);
            sample = Double.isNaN(current) ? durationNanos : Math.max(durationNanos, (long) (2 * current));
        }
        latency.observe(sample, now);
    }

    /** The estimate of a backend now, in nanoseconds; NaN when it is unavailable or not yet measured. */
    double latencyNanos(Endpoint backend) {
        PeakEwma latency = latencies.get(backend);
        return latency == null ? Double.NaN : latency.nanos(nanoClock.getAsLong());
    }

    /** The median of the measured estimates, NaN when none is measured (then newcomers start unmeasured too). */
    private double median(long now) {
        double[] measured = latencies.values().stream().mapToDouble(l -> l.nanos(now)).filter(v -> !Double.isNaN(v)).toArray();
        if (measured.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(measured);
        int middle = measured.length / 2;
        return measured.length % 2 == 1 ? measured[middle] : (measured[middle - 1] + measured[middle]) / 2;
    }
}
