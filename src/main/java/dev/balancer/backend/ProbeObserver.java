package dev.balancer.backend;

/**
 * Learns the outcome of every active health probe: the status page shows the last one, metrics time them.
 * Called on the health checker's threads: be quick, never block.
 */
@FunctionalInterface
public interface ProbeObserver {
    void probeEnded(Backend backend, ProbeResult result);
}
