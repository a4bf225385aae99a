package dev.balancer.health;

import dev.balancer.backend.AttemptObserver;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.Failures;
import dev.balancer.backend.PoolSnapshot;
import dev.balancer.config.OutlierSettings;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive health checking (Envoy's outlier detection, nginx's max_fails): connect failures, resets and timeouts of
 * real requests count against a backend; {@code maxFails} of them within {@code failTimeout} eject it for
 * {@code failTimeout}. With {@code ejectOn5xx=N} (Envoy's consecutive_5xx), N 5xx answers in a row do the same; any
 * other answer ends the streak. Then it is half-open: it gets traffic again, and the first request that completes
 * decides — a failure (or a 5xx, when those count) ejects it again at once, a success closes the circuit. At most
 * {@code maxEjectionPercent} of the pool is ejected at once, and always at least one backend may be.
 */
final class PassiveOutlierDetector implements AttemptObserver {
    private static final Logger LOG = LoggerFactory.getLogger(PassiveOutlierDetector.class);
    private static final Set<BackendStatus> MAY_EJECT = EnumSet.of(BackendStatus.HEALTHY);
    private static final Set<BackendStatus> EJECTED = EnumSet.of(BackendStatus.EJECTED);

    private final BackendPool pool;
    private final Scheduler scheduler;
    private final int maxFails;
    private final long failTimeoutNanos;
    private final int ejectOn5xx;
    private final int maxEjectionPercent;
    private final LongSupplier nanoTime;
    private final Map<Backend, FailureWindow> windows = new ConcurrentHashMap<>();
    /** Consecutive 5xx answers per backend; only kept when {@code ejectOn5xx} is on. */
    private final Map<Backend, AtomicInteger> fiveXxStreaks = new ConcurrentHashMap<>();
    /** Backends in their half-open trial: the next outcome decides. */
    private final Set<Backend> onTrial = ConcurrentHashMap.newKeySet();

    /** Failures since the window opened; touched only when something failed, so a lock on it costs nothing. */
    private static final class FailureWindow {
        long openedNanos;
        int failures;
    }

    PassiveOutlierDetector(BackendPool pool, Scheduler scheduler, OutlierSettings settings, LongSupplier nanoTime) {
        this.pool = pool;
        this.scheduler = scheduler;
        this.maxFails = settings.maxFails();
        this.failTimeoutNanos = settings.failTimeout().toNanos();
        this.ejectOn5xx = settings.ejectOn5xx();
        this.maxEjectionPercent = settings.maxEjectionPercent();
        this.nanoTime = nanoTime;
        // Discovery replaces members as pods come and go: what was learnt of a backend leaves with it.
        pool.onChange(snapshot -> {
            windows.keySet().removeIf(backend -> snapshot.state(backend) == null);
            fiveXxStreaks.keySet().removeIf(backend -> snapshot.state(backend) == null);
            onTrial.removeIf(backend -> snapshot.state(backend) == null);
        });
    }

    /** Backends with failure state held: for tests of its bound. */
    int tracked() {
        return windows.size() + fiveXxStreaks.size() + onTrial.size();
    }

    @Override
    public void attemptEnded(Backend backend, int status, long durationNanos, Throwable failure) {
        if (failure != null) {
            failed(backend, Failures.describe(failure));
        } else if (ejectOn5xx > 0 && status >= 500 && status <= 599) {
            answered5xx(backend, status);
        } else {
            if (ejectOn5xx > 0) {
                AtomicInteger streak = fiveXxStreaks.get(backend);
                if (streak != null) {
                    streak.set(0);
                }
            }
            onTrial.remove(backend);
        }
    }

    private void failed(Backend backend, String what) {
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

    private void answered5xx(Backend backend, int status) {
        if (onTrial.remove(backend)) {
            eject(backend, "half-open trial request answered " + status);
            return;
        }
        if (pool.snapshot().state(backend) == null) {
            return;
        }
        AtomicInteger streak = fiveXxStreaks.computeIfAbsent(backend, b -> new AtomicInteger());
        int n = streak.incrementAndGet();
        // Of answers racing past the threshold, the one that resets the streak ejects: once, not once each.
        if (n >= ejectOn5xx && streak.compareAndSet(n, 0)) {
            eject(backend, ejectOn5xx + " consecutive 5xx answers, the last " + status);
        }
    }

    private void eject(Backend backend, String reason) {
        if (pool.transition(backend, MAY_EJECT, BackendStatus.EJECTED, reason, snapshot -> mayEject(snapshot, backend, reason))) {
            scheduler.schedule(() -> {
                // On trial before it can be picked again: added after, the first answer could slip by uncounted
                // (PassiveOutlierDetectorTest saw that once in CI).
                onTrial.add(backend);
                if (!pool.transition(backend, EJECTED, BackendStatus.HEALTHY, "ejection over, half-open: the next request decides")) {
                    onTrial.remove(backend);
                }
            }, failTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Whether one more ejection stays within {@code maxEjectionPercent} of the members. The first always may (Envoy's
     * rule): 50% of a pool of 1 would otherwise round down to no ejection at all.
     */
    private boolean mayEject(PoolSnapshot snapshot, Backend backend, String reason) {
        long ejected = snapshot.states().values().stream().filter(state -> state.status() == BackendStatus.EJECTED).count();
        if (ejected == 0 || (ejected + 1) * 100 <= (long) maxEjectionPercent * snapshot.members().size()) {
            return true;
        }
        LOG.warn("[{}] backend {} not ejected ({}): {} of {} backends are ejected already, maxEjectionPercent={}",
                pool.name(), backend, reason, ejected, snapshot.members().size(), maxEjectionPercent);
        return false;
    }
}
