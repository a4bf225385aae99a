package dev.balancer.admin;

import dev.balancer.backend.AttemptObserver;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendState;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.PoolSnapshot;
import dev.balancer.backend.ProbeObserver;
import dev.balancer.backend.ProbeResult;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Listens to one pool: every backend attempt and health probe is recorded in that backend's {@link BackendStats},
 * and every new snapshot adds or drops backends and counts ejections. The request path does one map lookup and a
 * few atomic increments; membership work happens on the (rare) snapshot changes.
 */
final class PoolTelemetry implements AttemptObserver, ProbeObserver {
    /** Percentiles cover the attempts of the last minute (at most {@value LatencyWindow#SIZE} of them). */
    static final long LATENCY_WINDOW_SECONDS = 60;

    private final BackendPool pool;
    private final BalancerMetrics metrics;
    private final LongSupplier nanoClock;
    private final Map<Backend, BackendStats> stats = new ConcurrentHashMap<>();
    /** Each member's state in the last snapshot seen, to notice transitions. Guarded by this. */
    private final Map<Backend, BackendState> previous = new HashMap<>();

    PoolTelemetry(BackendPool pool, BalancerMetrics metrics, LongSupplier nanoClock) {
        this.pool = pool;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        pool.onChange(this::poolChanged);
        poolChanged(pool.snapshot());
        pool.observe(this);
        pool.observeProbes(this);
    }

    @Override
    public void attemptEnded(Backend backend, int status, long durationNanos, Throwable failure) {
        BackendStats backendStats = stats.get(backend);
        if (backendStats != null) { // null: the backend left the pool while this attempt was in flight
            backendStats.attemptEnded(status, durationNanos, failure, nanoClock.getAsLong());
        }
    }

    @Override
    public void probeEnded(Backend backend, ProbeResult result) {
        if (stats.containsKey(backend)) {
            metrics.probed(backend.id(), result);
        }
    }

    private synchronized void poolChanged(PoolSnapshot snapshot) {
        for (Backend backend : snapshot.members()) {
            stats.computeIfAbsent(backend, b -> new BackendStats(metrics.backend(b.id()),
                    new LatencyWindow(nanoClock.getAsLong(), LATENCY_WINDOW_SECONDS)));
            BackendState state = snapshot.state(backend);
            BackendState before = previous.put(backend, state);
            if (state.status() == BackendStatus.EJECTED && (before == null || before.status() != BackendStatus.EJECTED)) {
                metrics.ejected(backend.id());
            }
        }
        for (Backend gone : stats.keySet()) {
            if (!snapshot.states().containsKey(gone)) {
                stats.remove(gone);
                previous.remove(gone);
                if (snapshot.members().stream().noneMatch(b -> b.id().equals(gone.id()))) {
                    metrics.remove(gone.id());
                }
            }
        }
    }

    BackendPool pool() {
        return pool;
    }

    BackendStats stats(Backend backend) {
        return stats.get(backend);
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }
}
