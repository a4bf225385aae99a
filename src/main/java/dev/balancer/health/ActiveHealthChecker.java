package dev.balancer.health;

import dev.balancer.backend.Failures;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.ProbeResult;
import dev.balancer.config.HealthSettings;
import dev.balancer.config.ProbeSettings;
import java.net.URI;
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
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Probes every backend with {@code GET healthCheckPath} (or HEAD, with {@code healthCheckHeaders}, on
 * {@code healthCheckPort} when set) every {@code healthCheckInterval}. Non-blocking: probes are
 * Jetty client requests and their timers live on the client's scheduler, so 200 backends cost no threads. Each
 * backend's first probe starts at a random point of the interval, so probes are spread out, not fired at once.
 * A status in {@code healthCheckStatus} (2xx/3xx by default) within {@code healthCheckTimeout}, with
 * {@code healthCheckBody} in the body when that is set, passes; {@code unhealthyThreshold} failures in a row take a backend out,
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
    private final ProbeSettings probe;
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

    /** @param settings with a {@code path}: active checks are on */
    ActiveHealthChecker(BackendPool pool, HttpClient client, HealthSettings settings) {
        this.pool = pool;
        this.client = client;
        this.scheduler = client.getScheduler();
        this.path = settings.path();
        this.probe = settings.probe();
        this.intervalNanos = settings.interval().toNanos();
        this.timeoutMillis = settings.timeout().toMillis();
        this.healthyThreshold = settings.healthyThreshold();
        this.unhealthyThreshold = settings.unhealthyThreshold();
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
        ProbeBody body = new ProbeBody(probe.body() != null);
        client.newRequest(url(backend))
                .method(probe.method())
                .headers(headers -> {
                    headers.put(HttpHeader.USER_AGENT, "balancer-health-check");
                    probe.headers().forEach(headers::put);
                })
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .onResponseContentSource((response, source) -> body.read(source))
                .send(result -> {
                    long elapsed = System.nanoTime() - start;
                    record(backend, result, body, elapsed);
                    if (running) {
                        schedule(backend, Math.max(0, intervalNanos - elapsed));
                    }
                });
    }

    /**
     * The backend's URL with the health path; on {@code healthCheckPort} without the base path, since a management
     * server has a root of its own (Spring Boot's does not take the application's context path).
     */
    private String url(Backend backend) {
        if (probe.port() == 0) {
            return backend.baseUrl() + path;
        }
        URI url = backend.url();
        return url.getScheme() + "://" + url.getHost() + ":" + probe.port() + path;
    }

    private void record(Backend backend, Result result, ProbeBody body, long elapsedNanos) {
        Response response = result.getResponse();
        boolean statusPasses = result.isSucceeded() && probe.passes(response.getStatus());
        boolean passed = statusPasses && (probe.body() == null || body.contains(probe.body()));
        String detail = !result.isSucceeded() ? describe(result.getFailure())
                : statusPasses && !passed ? "status " + response.getStatus() + ", body without the expected text"
                : "status " + response.getStatus();
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
