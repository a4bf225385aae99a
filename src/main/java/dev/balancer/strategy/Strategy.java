package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A load-balancing algorithm: the one seam users extend. The pool calls {@link #newPicker} whenever the set of
 * available backends or their weights change, never per request, so a picker can precompute whatever makes
 * picking cheap. Strategy objects hold no per-pool state; pickers do.
 *
 * <p>The exception is a strategy that learns: one that also implements {@link dev.balancer.backend.AttemptObserver}
 * is registered by the pool it serves and hears every finished attempt. That is how {@link #leastLatency} measures
 * latency; such an instance belongs to one pool.
 *
 * <p>Plug your own in by class name ({@code strategy=com.example.MyStrategy}, a public class with a public no-arg
 * constructor) or by a name registered through {@link StrategyProvider} and {@link java.util.ServiceLoader}.
 */
@FunctionalInterface
public interface Strategy {

    /**
     * @param backends the available backends, never empty; read each one's {@link Backend#effectiveWeight()} here
     */
    Picker newPicker(List<Backend> backends);

    /** Smooth weighted round robin, nginx's algorithm: weights 5,1,1 give a a b a c a a. */
    static Strategy roundRobin() {
        return RoundRobinPicker::new;
    }

    /** Weighted random choice. */
    static Strategy random() {
        return RandomPicker::new;
    }

    /** Fewest in-flight requests relative to weight; ties broken round robin. */
    static Strategy leastConnections() {
        return LeastConnectionsPicker::new;
    }

    /** Power of two choices: two backends at random, the one with fewer in-flight requests relative to weight. */
    static Strategy powerOfTwo() {
        return backends -> new PowerOfTwoPicker(backends, ThreadLocalRandom::current);
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
        return backends -> new HashRingPicker(backends, key);
    }
}
