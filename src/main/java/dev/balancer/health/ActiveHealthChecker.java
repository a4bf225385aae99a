package dev.balancer.health;

import dev.balancer.backend.Failures;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.ProbeResult;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Probes every backend with {@code GET healthCheckPath} every {@code healthCheckInterval}. Non-blocking: probes are
 * Jetty client requests and their timers live on the client's scheduler, so 200 backends cost no threads. Each
 * backend's first probe starts at a random point of the interval, so probes are spread out, not fired at once.
 * 2xx/3xx within {@code healthCheckTimeout} passes; {@code unhealthyThreshold} failures in a row take a backend out,
 * {@code healthyThreshold} passes in a row bring it back.
 */
final class ActiveHealthChecker implements AutoCloseable {
    /** An operator's drain or a configured down is never overridden by probes. */
    private static final Set<BackendStatus> MAY_FAIL = EnumSet.of(BackendStatus.HEALTHY, BackendStatus.EJECTED);
    private static final Set<BackendStatus> MAY_RECOVER = EnumSet.of(BackendStatus.UNHEALTHY);

    private final BackendPool pool;
    private final HttpClient client;
    private final Scheduler scheduler;
    private final String path;
    private final long intervalNanos;
    private final long timeoutMillis;
    private final int healthyThreshold;
    private final int unhealthyThreshold;
    private final Map<Backend, Streak> streaks = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    /** Consecutive results of one backend; only its own probe chain touches it, one probe at a time. */
    private static final class Streak {
        int passes;
        int failures;
    }

    ActiveHealthChecker(BackendPool pool, HttpClient client, String path, Duration interval, Duration timeout,
                        int healthyThreshold, int unhealthyThreshold) {
        this.pool = pool;
        this.client = client;
        this.scheduler = client.getScheduler();
        this.path = path;
        this.intervalNanos = interval.toNanos();
        this.timeoutMillis = timeout.toMillis();
        this.healthyThreshold = healthyThreshold;
        this.unhealthyThreshold = unhealthyThreshold;
    }

    void start() {
        pool.snapshot().members().forEach(this::track);
        // Discovery adds backends at run time: each new member gets its own probe chain.
        pool.onChange(snapshot -> snapshot.members().forEach(this::track));
    }

    private void track(Backend backend) {
        if (running && streaks.putIfAbsent(backend, new Streak()) == null) {
            schedule(backend, ThreadLocalRandom.current().nextLong(intervalNanos));
        }
    }

    private void schedule(Backend backend, long delayNanos) {
        scheduler.schedule(() -> probe(backend), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void probe(Backend backend) {
        if (!running || !pool.snapshot().members().contains(backend)) {
            streaks.remove(backend);
            return;
        }
        long start = System.nanoTime();
        client.newRequest(backend.baseUrl() + path)
                .method(HttpMethod.GET)
                .headers(headers -> headers.put(HttpHeader.USER_AGENT, "balancer-health-check"))
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .onResponseContentSource((response, source) -> discard(source))
                .send(result -> {
                    long elapsed = System.nanoTime() - start;
                    record(backend, result, elapsed);
                    if (running) {
                        schedule(backend, Math.max(0, intervalNanos - elapsed));
                    }
                });
    }

    /** The body of a probe answer is not needed: read and drop it so the connection can be reused. */
    private static void discard(Content.Source source) {
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                source.demand(() -> discard(source));
                return;
            }
            chunk.release();
            if (chunk.isLast()) {
                return;
            }
        }
    }

    private void record(Backend backend, Result result, long elapsedNanos) {
        Response response = result.getResponse();
        boolean passed = result.isSucceeded() && response.getStatus() >= 200 && response.getStatus() < 400;
        String detail = result.isSucceeded() ? "status " + response.getStatus() : describe(result.getFailure());
        pool.probeEnded(backend, new ProbeResult(passed, detail, pool.clock().instant(), elapsedNanos));
        Streak streak = streaks.get(backend);
        if (streak == null) {
            return;
        }
        if (passed) {
            streak.failures = 0;
            if (++streak.passes >= healthyThreshold) {
                pool.transition(backend, MAY_RECOVER, BackendStatus.HEALTHY, streak.passes + " consecutive probe passes");
            }
        } else {
            streak.passes = 0;
            if (++streak.failures >= unhealthyThreshold) {
                pool.transition(backend, MAY_FAIL, BackendStatus.UNHEALTHY,
                        streak.failures + " consecutive probe failures: " + detail);
            }
        }
    }

    private String describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "timeout after " + timeoutMillis + " ms";
        }
        return Failures.describe(failure);
    }

    @Override
    public void close() {
        running = false;
    }
}
