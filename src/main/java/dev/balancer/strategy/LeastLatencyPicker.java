package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices by expected wait: each backend's peak-EWMA latency times its in-flight requests plus one, per
 * unit of weight (Finagle's and Linkerd's cost). The in-flight factor makes the fastest backend lose its edge as its
 * queue grows, so it is not herded onto.
 */
final class LeastLatencyPicker extends TwoChoicesPicker {
    /**
     * Cost of each request in flight to a backend with no measured latency yet: more than any measured cost, so such
     * a backend gets one request at a time until its first answer instead of a flood while it warms up.
     */
    static final double UNMEASURED_PENALTY = 1e18;

    private final PeakEwma[] latencies;
    private final LongSupplier nanoClock;

    /** @param latencies the estimate of each backend, in the same order as {@code list} */
    LeastLatencyPicker(List<Backend> list, PeakEwma[] latencies, LongSupplier nanoClock,
                       Supplier<? extends RandomGenerator> random) {
        super(list, random);
        this.latencies = latencies;
        this.nanoClock = nanoClock;
    }

    @Override
    boolean better(int candidate, int incumbent) {
        long now = nanoClock.getAsLong();
        return cost(candidate, now) < cost(incumbent, now);
    }

    double cost(int index, long now) {
        Backend backend = backends[index];
        int inFlight = backend.inFlight();
        double latency = latencies[index].nanos(now);
        if (Double.isNaN(latency)) {
            return UNMEASURED_PENALTY * inFlight;
        }
        return latency * (inFlight + 1) / backend.effectiveWeight();
    }
}
