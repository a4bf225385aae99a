package dev.balancer.admin;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Recent latency of one backend, recorded on the request path without locks: an EWMA, and a ring of the last
 * {@value #SIZE} durations from which p50/p99 are computed when someone asks (the status page, not the request).
 * Each slot packs when (whole seconds since creation, plus one) and how long (microseconds) into one long, so a
 * reader never sees the time of one sample with the duration of another.
 */
final class LatencyWindow {
    static final int SIZE = 1024;
    /** Weight of the newest sample: the EWMA mostly reflects the last ten or so attempts. */
    static final double ALPHA = 0.2;
    private static final long MAX_MICROS = 0xFFFF_FFFFL;

    private final AtomicLongArray slots = new AtomicLongArray(SIZE);
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong ewmaBits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
    private final long originNanos;
    private final long windowSeconds;

    /**
     * @param originNanos   the nano clock now; slot times count from here
     * @param windowSeconds samples older than this are left out of the percentiles
     */
    LatencyWindow(long originNanos, long windowSeconds) {
        this.originNanos = originNanos;
        this.windowSeconds = windowSeconds;
    }

    void record(long durationNanos, long nowNanos) {
        long micros = Math.min(Math.max(durationNanos, 0) / 1000, MAX_MICROS);
        long second = (nowNanos - originNanos) / 1_000_000_000L + 1;
        slots.set((int) (next.getAndIncrement() & (SIZE - 1)), second << 32 | micros);
        double millis = micros / 1000.0;
        long bits;
        double updated;
        do {
            bits = ewmaBits.get();
            double old = Double.longBitsToDouble(bits);
            updated = Double.isNaN(old) ? millis : old + ALPHA * (millis - old);
        } while (!ewmaBits.compareAndSet(bits, Double.doubleToRawLongBits(updated)));
    }

    /** The EWMA of every sample so far, and p50/p99 of those in the window; null values when there are none. */
    Latency summary(long nowNanos) {
        long oldest = (nowNanos - originNanos) / 1_000_000_000L + 1 - windowSeconds;
        long[] micros = new long[SIZE];
        int n = 0;
        for (int i = 0; i < SIZE; i++) {
            long slot = slots.get(i);
            if (slot != 0 && (slot >>> 32) > oldest) {
                micros[n++] = slot & MAX_MICROS;
            }
        }
        Arrays.sort(micros, 0, n);
        double ewma = Double.longBitsToDouble(ewmaBits.get());
        return new Latency(Double.isNaN(ewma) ? null : round(ewma), n == 0 ? null : percentile(micros, n, 0.50),
                n == 0 ? null : percentile(micros, n, 0.99), n);
    }

    /** Nearest rank: the smallest sample that at least {@code q} of all samples do not exceed. */
    private static double percentile(long[] sortedMicros, int n, double q) {
        int rank = (int) Math.ceil(q * n);
        return round(sortedMicros[Math.max(rank, 1) - 1] / 1000.0);
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }

    /**
     * @param ewmaMillis exponentially weighted moving average of all attempts, or null before the first
     * @param p50Millis  median of the attempts in the window, or null when there were none
     * @param p99Millis  99th percentile of the attempts in the window, or null
     * @param samples    attempts in the window
     */
    record Latency(Double ewmaMillis, Double p50Millis, Double p99Millis, int samples) {}
}
