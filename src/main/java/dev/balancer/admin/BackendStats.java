package dev.balancer.admin;

/**
 * What the balancer learned about one backend since it joined the pool: request counts and durations (kept in
 * its metric series, the one source for both the status JSON and the metrics) and recent latency. The last active
 * probe is the backend's own ({@link dev.balancer.backend.Backend#lastProbe()}).
 */
final class BackendStats {
    private final BalancerMetrics.BackendMeters meters;
    private final LatencyWindow latency;

    BackendStats(BalancerMetrics.BackendMeters meters, LatencyWindow latency) {
        this.meters = meters;
        this.latency = latency;
    }

    void attemptEnded(int status, long durationNanos, Throwable failure, long nowNanos) {
        meters.requests().count(status);
        if (failure != null) {
            meters.failures().inc();
        }
        meters.duration().observe(durationNanos / 1e9);
        latency.record(durationNanos, nowNanos);
    }

    long requests(int statusClass) {
        return meters.requests().get(statusClass);
    }

    long failures() {
        return meters.failures().getLongValue();
    }

    LatencyWindow.Latency latency(long nowNanos) {
        return latency.summary(nowNanos);
    }
}
