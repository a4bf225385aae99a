package dev.balancer.backend;

/**
 * Learns from every finished attempt to send a request to a backend. Passive health checking, metrics and
 * latency tracking listen here. Called on the request path, from many threads: be quick, never block.
 */
@FunctionalInterface
public interface AttemptObserver {
    /**
     * @param backend       the backend tried
     * @param status        the backend's response status, or 0 when none arrived
     * @param durationNanos from sending the request until the response completed or failed
     * @param failure       why the exchange failed (connect refused, reset, timeout...), or null when it completed
     */
    void attemptEnded(Backend backend, int status, long durationNanos, Throwable failure);
}
