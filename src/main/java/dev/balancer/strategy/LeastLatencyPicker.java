package dev.balancer.strategy;

import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices by expected wait: each backend's peak-EWMA latency times its in-flight requests plus one, per
 * unit of weight (Finagle's and Linkerd's cost). The in-flight factor makes the fastest backend lose its edge as its
 * queue grows, so it is not herded onto.
 */
final class LeastLatencyPicker<E extends Endpoint> extends TwoChoicesPicker<E> {
    /**
     * Cost of each request in flight to a backend with no measured latency yet: more than any measured cost, so such
     * a backend gets one request at a time until its first answer instead of a flood while it warms up.
     */
    static final double UNMEASURED_PENALTY = 1e18;

    private final PeakEwma[] latencies;

    /** @param latencies the estimate of each backend, in the same order as {@code list} */
    LeastLatencyPicker(List<E> list, PeakEwma[] latencies, Supplier<? extends RandomGenerator> random) {
        super(list, random);
        this.latencies = latencies;
    }

    /**
     * Compares the estimates' ratio with the ratio of their in-flight factors, without a clock read and, unless the
     * two disagree, without an {@code exp}.
     */
    @Override
    boolean better(int candidate, int incumbent) {
        double candidateKey = latencies[candidate].fadeKey();
        double incumbentKey = latencies[incumbent].fadeKey();
        Endpoint c = endpoints[candidate];
        Endpoint i = endpoints[incumbent];
        if (Double.isNaN(candidateKey) || Double.isNaN(incumbentKey)) {
            return unmeasuredCost(c, candidateKey) < unmeasuredCost(i, incumbentKey);
        }
        double logRatio = candidateKey - incumbentKey;
        double candidateQueue = queueFactor(c);
        double incumbentQueue = queueFactor(i);
        // Faster and no busier, or slower and no less busy, decide without the exponential.
        if (logRatio <= 0 && candidateQueue <= incumbentQueue) {
            return logRatio < 0 || candidateQueue < incumbentQueue;
        }
        if (logRatio >= 0 && candidateQueue >= incumbentQueue) {
            return false;
        }
        return Math.exp(logRatio) * candidateQueue < incumbentQueue;
    }

    private static double queueFactor(Endpoint backend) {
        return (backend.inFlight() + 1.0) / backend.effectiveWeight();
    }

    /** A measured backend costs less than any unmeasured one with a request in flight, more than an idle one. */
    private static double unmeasuredCost(Endpoint backend, double key) {
        return Double.isNaN(key) ? UNMEASURED_PENALTY * backend.inFlight() : queueFactor(backend);
    }
}
