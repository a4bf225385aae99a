package dev.balancer.health;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendState;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.Transition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Ramps a backend that became healthy again, or that discovery added, from almost no traffic to its full share over
 * {@code slowStart}, so a cold cache or JIT is not flooded. Backends present at startup do not ramp: there is no
 * warm backend to spare them, and a ramp for all changes no one's share. While any backend ramps, all weights are scaled by {@value #SCALE} so even a
 * weight-1 backend can take a fraction of its share; the strategies rebuild their pickers from each new snapshot.
 */
final class SlowStart {
    static final int SCALE = 20;
    private static final int STEPS = 20;

    private final BackendPool pool;
    private final Scheduler scheduler;
    private final long durationNanos;
    private final LongSupplier nanoTime;
    private final Map<Backend, Long> rampStarted = new ConcurrentHashMap<>();

    SlowStart(BackendPool pool, Scheduler scheduler, Duration duration, LongSupplier nanoTime) {
        this.pool = pool;
        this.scheduler = scheduler;
        this.durationNanos = duration.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Listens to the pool: recoveries and newcomers ramp. */
    void start() {
        pool.onTransition(this::transitioned);
        pool.onJoin(this::joined);
    }

    private void transitioned(Transition transition) {
        if (transition.to().status() == BackendStatus.HEALTHY && transition.from().status() != BackendStatus.HEALTHY) {
            ramp(transition.backend());
        }
    }

    private void joined(Backend backend) {
        BackendState state = pool.snapshot().state(backend);
        if (state != null && state.status() == BackendStatus.HEALTHY) {
            ramp(backend);
        }
    }

    private void ramp(Backend backend) {
        if (rampStarted.put(backend, nanoTime.getAsLong()) == null && rampStarted.size() == 1) {
            tick();
        }
    }

    /** Publishes the current ramp weights; keeps ticking while something ramps. */
    synchronized void tick() {
        long now = nanoTime.getAsLong();
        rampStarted.entrySet().removeIf(ramp -> now - ramp.getValue() >= durationNanos);
        Map<Backend, Integer> weights = new HashMap<>();
        for (Backend backend : pool.snapshot().members()) {
            Long started = rampStarted.get(backend);
            if (rampStarted.isEmpty()) {
                weights.put(backend, backend.weight());
            } else if (started == null) {
                weights.put(backend, backend.weight() * SCALE);
            } else {
                double progress = (double) (now - started) / durationNanos;
                weights.put(backend, (int) Math.max(1, Math.round(backend.weight() * SCALE * progress)));
            }
        }
        pool.effectiveWeights(weights);
        if (!rampStarted.isEmpty()) {
            scheduler.schedule(this::tick, durationNanos / STEPS, TimeUnit.NANOSECONDS);
        }
    }
}
