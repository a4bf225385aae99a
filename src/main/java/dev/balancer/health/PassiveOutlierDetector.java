package dev.balancer.health;

import dev.balancer.backend.AttemptObserver;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.Failures;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Passive health checking (Envoy's outlier detection, nginx's max_fails): connect failures, resets and timeouts of
 * real requests count against a backend; {@code maxFails} of them within {@code failTimeout} eject it for
 * {@code failTimeout}. Then it is half-open: it gets traffic again, and the first request that completes decides —
 * a failure ejects it again at once, a success closes the circuit. A 5xx answer is an answer, not a failure.
 */
final class PassiveOutlierDetector implements AttemptObserver {
    private static final Set<BackendStatus> MAY_EJECT = EnumSet.of(BackendStatus.HEALTHY);
    private static final Set<BackendStatus> EJECTED = EnumSet.of(BackendStatus.EJECTED);

    private final BackendPool pool;
    private final Scheduler scheduler;
    private final int maxFails;
    private final long failTimeoutNanos;
    private final LongSupplier nanoTime;
    private final Map<Backend, FailureWindow> windows = new ConcurrentHashMap<>();
    /** Backends in their half-open trial: the next outcome decides. */
    private final Set<Backend> onTrial = ConcurrentHashMap.newKeySet();

    /** Failures since the window opened; touched only when something failed, so a lock on it costs nothing. */
    private static final class FailureWindow {
        long openedNanos;
        int failures;
    }

    PassiveOutlierDetector(BackendPool pool, Scheduler scheduler, int maxFails, Duration failTimeout, LongSupplier nanoTime) {
        this.pool = pool;
        this.scheduler = scheduler;
        this.maxFails = maxFails;
        this.failTimeoutNanos = failTimeout.toNanos();
        this.nanoTime = nanoTime;
        // Discovery replaces members as pods come and go: what was learnt of a backend leaves with it.
        pool.onChange(snapshot -> {
            windows.keySet().removeIf(backend -> snapshot.state(backend) == null);
            onTrial.removeIf(backend -> snapshot.state(backend) == null);
        });
    }

    /** Backends with failure state held: for tests of its bound. */
    int tracked() {
        return windows.size() + onTrial.size();
    }

    @Override
    public void attemptEnded(Backend backend, int status, long durationNanos, Throwable failure) {
        if (failure == null) {
            onTrial.remove(backend);
            return;
        }
        String what = Failures.describe(failure);
        if (onTrial.remove(backend)) {
            eject(backend, "half-open trial request failed: " + what);
            return;
        }
        if (pool.snapshot().state(backend) == null) {
            return; // it left the pool while this request was in flight: nothing to eject, nothing to keep
        }
        FailureWindow window = windows.computeIfAbsent(backend, b -> new FailureWindow());
        boolean eject;
        synchronized (window) {
            long now = nanoTime.getAsLong();
            if (window.failures == 0 || now - window.openedNanos > failTimeoutNanos) {
                window.openedNanos = now;
                window.failures = 0;
            }
            eject = ++window.failures >= maxFails;
            if (eject) {
                window.failures = 0;
            }
        }
        if (eject) {
            eject(backend, maxFails + " failures within " + Duration.ofNanos(failTimeoutNanos).toMillis() + " ms: " + what);
        }
    }

    private void eject(Backend backend, String reason) {
        if (pool.transition(backend, MAY_EJECT, BackendStatus.EJECTED, reason)) {
            scheduler.schedule(() -> {
                if (pool.transition(backend, EJECTED, BackendStatus.HEALTHY, "ejection over, half-open: the next request decides")) {
                    onTrial.add(backend);
                }
            }, failTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }
}
