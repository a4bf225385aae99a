package dev.balancer.strategy;

import dev.balancer.backend.Backend;

/**
 * Chooses a backend for one request, among the fixed set it was built over. Called on every request and from many
 * threads at once: implementations must be thread-safe, should not lock, and for non-hash strategies should not
 * allocate.
 */
@FunctionalInterface
public interface Picker {
    /**
     * @param request the client request (hash strategies read their key from it; others may ignore it, and
     *                benchmarks pass null to those)
     * @return one of the backends this picker was built over
     */
    Backend pick(ClientRequest request);
}
