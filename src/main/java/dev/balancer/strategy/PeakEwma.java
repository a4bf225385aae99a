package dev.balancer.strategy;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One backend's response latency as a peak-EWMA, the estimator of Finagle's and Linkerd's latency-aware balancers.
 * A sample above the estimate replaces it at once, so a slowdown counts from its first slow response. A lower sample
 * pulls the estimate down by the weight {@code 1 - e^(-dt/tau)}, {@code dt} being the time since the previous sample,
 * so recovery is believed over about {@code tau}, not from one lucky response. While no samples arrive, the value read
 * fades toward zero with the same time constant: a backend avoided for being slow is tried again after a few
 * {@code tau} and can show that it recovered.
 *
 * <p>Reads are lock-free and allocation-free; a sample replaces the immutable estimate with one compare-and-set.
 */
final class PeakEwma {
    /**
     * An estimate and the time it was made, replaced together so a reader never sees one without the other.
     * {@code fadeKey} is {@code ln(nanos) + at/tau}: the estimate faded to any time t is {@code e^(fadeKey - t/tau)},
     * so two estimates compare at any common time without reading the clock: see {@link #fadeKey()}.
     */
    private record Estimate(double nanos, long at, double fadeKey) {}

    private final double tauNanos;
    private static final AtomicReferenceFieldUpdater<PeakEwma, Estimate> ESTIMATE =
            AtomicReferenceFieldUpdater.newUpdater(PeakEwma.class, Estimate.class, "estimate");
    private volatile Estimate estimate;
    /** The current estimate's {@code fadeKey}, copied here because every pick reads it: one load, not two. */
    private volatile double fadeKey = Double.NaN;

    /**
     * @param tauNanos     the decay time constant ({@code latencyDecay})
     * @param initialNanos the starting estimate, or NaN for none: the backend then counts as not yet measured
     * @param now          the clock's current reading, in nanoseconds
     */
    PeakEwma(double tauNanos, double initialNanos, long now) {
        this.tauNanos = tauNanos;
        this.estimate = Double.isNaN(initialNanos) ? null : newEstimate(initialNanos, now);
        publishFadeKey();
    }

    /** The estimate in nanoseconds, faded to {@code now}; NaN while nothing was measured. */
    double nanos(long now) {
        Estimate current = estimate;
        return current == null ? Double.NaN : current.nanos() * decay(current, now);
    }

    /** Takes one response time into account. */
    void observe(long sampleNanos, long now) {
        while (true) {
            Estimate current = estimate;
            double next;
            if (current == null || sampleNanos >= current.nanos()) {
                next = sampleNanos;
            } else {
                double weight = decay(current, now);
                next = current.nanos() * weight + sampleNanos * (1 - weight);
            }
            if (ESTIMATE.compareAndSet(this, current, newEstimate(next, now))) {
                publishFadeKey();
                return;
            }
        }
    }

    /**
     * Copies the current estimate's key, again if another sample replaced the estimate meanwhile: whichever
     * thread's write lands last, it wrote the key of the estimate in place when it checked.
     */
    private void publishFadeKey() {
        Estimate published;
        do {
            published = estimate;
            fadeKey = published == null ? Double.NaN : published.fadeKey();
        } while (estimate != published);
    }

    private Estimate newEstimate(double nanos, long at) {
        return new Estimate(nanos, at, Math.log(Math.max(nanos, 1)) + at / tauNanos);
    }

    /**
     * The log of the estimate faded to time t, plus {@code t/tau}: the same for every t, so for two estimates
     * {@code e^(a.fadeKey() - b.fadeKey())} is their ratio now, whenever now is. NaN while nothing was measured.
     */
    double fadeKey() {
        return fadeKey;
    }

    /** {@code e^(-dt/tau)}; a clock read on another thread may lag the estimate's time by a little, hence the clamp. */
    private double decay(Estimate estimate, long now) {
        return Math.exp(-Math.max(0, now - estimate.at()) / tauNanos);
    }
}
