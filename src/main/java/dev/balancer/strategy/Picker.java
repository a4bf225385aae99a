package dev.balancer.strategy;

/**
 * Chooses an endpoint for one request, among the fixed set it was built over. Called on every request and from many
 * threads at once: implementations must be thread-safe, must not lock, and apart from reading a hash key must not
 * allocate.
 *
 * @param <E> the pool's endpoint type, so the pool gets its own objects back without a cast
 */
@FunctionalInterface
public interface Picker<E> {
    /**
     * @param request the client request (hash strategies read their key from it; others may ignore it, and
     *                benchmarks pass null to those)
     * @return one of the endpoints this picker was built over
     */
    E pick(ClientRequest request);
}
