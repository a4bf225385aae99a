package dev.balancer.strategy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A load-balancing algorithm: the one seam users extend. The pool calls {@link #newPicker} whenever the set of
 * available endpoints or their weights change (health transitions, ejections, every slow-start step), never per
 * request, so a picker can precompute whatever makes picking cheap.
 *
 * <p>An instance serves one pool, and may keep state across the pickers it builds: round robin keeps its position, so
 * a rebuild does not send the next request back to the first backend; least latency keeps what it learnt. The pool
 * calls {@link #newPicker} one change at a time (its writers serialise), while pickers pick on any thread.
 *
 * <p>Learning is optional: the pool reports every finished attempt to {@link #attemptEnded}, which does nothing
 * unless a strategy overrides it. That is how {@link #leastLatency} measures latency.
 *
 * <p>Plug your own in by class name ({@code strategy=com.example.MyStrategy}, a public class with a public no-arg
 * constructor) or by a name registered through {@link StrategyProvider} and {@link java.util.ServiceLoader}.
 */
public interface Strategy {

    /**
     * @param endpoints the available endpoints, never empty; read each one's {@link Endpoint#effectiveWeight()} here
     * @param <E>       the pool's endpoint type: the picker returns the pool's own objects
     */
    <E extends Endpoint> Picker<E> newPicker(List<E> endpoints);

    /**
     * One attempt at an endpoint this strategy's pickers returned has ended. Called on the request path, from many
     * threads at once: be quick, never block. Does nothing unless the strategy learns.
     *
     * @param status        the endpoint's response status, or 0 when none arrived
     * @param durationNanos from sending the request until the response completed or failed
     * @param failure       why the exchange failed (connect refused, reset, timeout...), or null when it completed
     */
    default void attemptEnded(Endpoint endpoint, int status, long durationNanos, Throwable failure) {}

    /**
     * Smooth weighted round robin, nginx's algorithm: weights 5,1,1 give a a b a c a a. Each instance starts at a
     * random point of the rotation, so balancer replicas do not send their first requests to the same backend.
     */
    static Strategy roundRobin() {
        return new RoundRobinStrategy(ThreadLocalRandom.current());
    }

    /** Weighted random choice. */
    static Strategy random() {
        return StatelessStrategy.RANDOM;
    }

    /** Fewest in-flight requests relative to weight; ties broken at random. */
    static Strategy leastConnections() {
        return StatelessStrategy.LEAST_CONNECTIONS;
    }

    /** Power of two choices: two endpoints at random, the one with fewer in-flight requests relative to weight. */
    static Strategy powerOfTwo() {
        return StatelessStrategy.POWER_OF_TWO;
    }

    /**
     * Least latency: power of two choices by peak-EWMA response latency × (in-flight + 1), as in Finagle and Linkerd.
     * It learns from the attempts of the pool it serves, so use each instance for one pool only.
     *
     * @param decay how fast the latency estimates forget: their time constant ({@code latencyDecay})
     */
    static Strategy leastLatency(Duration decay) {
        return new LeastLatencyStrategy(decay.toNanos(), System::nanoTime, ThreadLocalRandom::current);
    }

    /** Consistent hashing on a ring with virtual nodes, keyed by the given part of the request. */
    static Strategy hash(HashKey key) {
        return new HashStrategy(key);
    }
}
