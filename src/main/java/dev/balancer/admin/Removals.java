package dev.balancer.admin;

import dev.balancer.backend.AttemptObserver;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backends an operator removed: they drain (no new requests) and are forgotten by the pool once their last request
 * in flight ended, or after {@code shutdownTimeout} at the latest (a request still running then finishes anyway:
 * the exchange holds its backend, the pool only stops listing it). The request path pays one look at an empty map.
 */
final class Removals implements AttemptObserver {
    private static final Logger LOG = LoggerFactory.getLogger(Removals.class);
    private static final Scheduler.Task NO_DEADLINE = () -> false;

    private final BackendPool pool;
    private final Duration timeout;
    private final Map<Backend, Scheduler.Task> leaving = new ConcurrentHashMap<>();
    /** The proxy client's scheduler, once the balancer started; no thread of our own. */
    private volatile Scheduler scheduler;

    Removals(BackendPool pool, Duration timeout) {
        this.pool = pool;
        this.timeout = timeout;
        pool.observe(this);
    }

    void start(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** The backend (already draining) leaves once idle. Idempotent. */
    void begin(Backend backend) {
        if (leaving.putIfAbsent(backend, NO_DEADLINE) != null) {
            return;
        }
        Scheduler timer = scheduler;
        if (timer != null && !timeout.isZero()) {
            leaving.replace(backend, NO_DEADLINE, timer.schedule(() -> forget(backend, "shutdownTimeout passed with "
                    + backend.inFlight() + " requests in flight; they finish"), timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        if (backend.inFlight() == 0 || timeout.isZero()) {
            forget(backend, "no request in flight");
        }
    }

    boolean isLeaving(Backend backend) {
        return leaving.containsKey(backend);
    }

    @Override
    public void attemptEnded(Backend backend, int status, long durationNanos, Throwable failure) {
        if (!leaving.isEmpty() && backend.inFlight() == 0 && leaving.containsKey(backend)) {
            forget(backend, "its last request in flight ended");
        }
    }

    private void forget(Backend backend, String why) {
        Scheduler.Task deadline = leaving.remove(backend);
        if (deadline != null) {
            deadline.cancel();
            if (pool.remove(backend)) {
                LOG.info("[{}] backend {} forgotten after its removal: {}", pool.name(), backend, why);
            }
        }
    }
}
