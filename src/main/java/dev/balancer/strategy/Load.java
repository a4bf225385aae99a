package dev.balancer.strategy;

/** Comparing endpoints by in-flight requests per unit of weight, without division. */
final class Load {
    private Load() {}

    /** True when {@code a} carries less load for its weight than {@code b}. */
    static boolean lighter(Endpoint a, Endpoint b) {
        return (long) a.inFlight() * b.effectiveWeight() < (long) b.inFlight() * a.effectiveWeight();
    }
}
