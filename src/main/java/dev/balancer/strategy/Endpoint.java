package dev.balancer.strategy;

/**
 * What a picker may read of a backend: its identity and the two live numbers load-aware strategies compare. The pool's
 * backends implement it; strategies never see more (no URL, no state, no mutators), so this package needs nothing
 * from the rest of Balancer and a strategy cannot change what it balances over.
 *
 * <p>Every pick of the load-aware strategies reads {@link #inFlight()} and {@link #effectiveWeight()} of two to four
 * endpoints: implementations return a field, without locking or allocating.
 */
public interface Endpoint {
    /**
     * Stable identity, the same on every replica and across restarts (the backend's base URL): the hash ring places
     * an endpoint by it, so replicas that list their backends in different orders still agree on every key's owner.
     */
    String key();

    /** The weight to balance by now, never below 1: the configured weight, or less while slow start ramps it up. */
    int effectiveWeight();

    /** Requests sent to this endpoint and not yet completed. */
    int inFlight();
}
