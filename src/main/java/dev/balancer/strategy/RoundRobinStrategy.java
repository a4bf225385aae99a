package dev.balancer.strategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Smooth weighted round robin whose position survives picker rebuilds. The pool builds a new picker on every health
 * transition, ejection and slow-start step; were the turn counter the picker's, each rebuild would send the next
 * request to the first backend again, and a pool that changes often would load its first backend most. So the counter
 * lives here, and every picker this strategy builds increments the same one: the rotation continues where it was.
 *
 * <p>The counter starts at a random point (as gRPC-Java's round robin does), so replicas started together, or
 * restarted together, do not send their requests to the backends in lockstep.
 */
final class RoundRobinStrategy implements Strategy {
    private final AtomicInteger next;

    /** @param random where the rotation starts: {@code ThreadLocalRandom.current()} outside tests */
    RoundRobinStrategy(RandomGenerator random) {
        this.next = new AtomicInteger(random.nextInt() & Integer.MAX_VALUE);
    }

    @Override
    public <E extends Endpoint> Picker<E> newPicker(List<E> endpoints) {
        return new RoundRobinPicker<>(endpoints, next);
    }
}
