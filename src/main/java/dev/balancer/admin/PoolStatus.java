package dev.balancer.admin;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendState;
import dev.balancer.backend.PoolSnapshot;
import dev.balancer.backend.ProbeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code GET <adminPath>/status} reports: the pool and every backend, read from one snapshot.
 *
 * @param pool      the servlet's name
 * @param strategy  the configured strategy
 * @param available backends that may be picked now
 * @param panic     whether too few are healthy, so traffic goes to unhealthy and ejected ones too
 * @param at        when this report was made
 * @param requests  client requests answered so far, by {@link StatusClasses} index
 * @param tunnels   WebSocket tunnels open now and the bytes they carried
 * @param backends  every member, in configured order
 */
record PoolStatus(String pool, String strategy, int available, boolean panic, Instant at, long[] requests, Tunnels tunnels,
                  List<BackendReport> backends) {

    static PoolStatus of(PoolTelemetry telemetry, BalancerMetrics metrics, String strategy) {
        PoolSnapshot snapshot = telemetry.pool().snapshot();
        long now = telemetry.nanoTime();
        List<BackendReport> backends = new ArrayList<>();
        for (Backend backend : snapshot.members()) {
            BackendStats stats = telemetry.stats(backend);
            if (stats != null) {
                backends.add(BackendReport.of(snapshot, backend, stats, now));
            }
        }
        long[] requests = new long[StatusClasses.LABELS.length];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = metrics.requests(i);
        }
        return new PoolStatus(telemetry.pool().name(), strategy, snapshot.available().size(), snapshot.panic(),
                telemetry.pool().clock().instant(), requests,
                new Tunnels(metrics.tunnelsActive(), metrics.tunnelBytes(true), metrics.tunnelBytes(false)),
                List.copyOf(backends));
    }

    String toJson() {
        Json json = new Json().beginObject()
                .field("pool", pool).field("strategy", strategy).field("available", available).field("panic", panic).field("at", at.toString());
        writeClasses(json.beginObject("requests"), requests).endObject();
        json.beginObject("tunnels").field("active", tunnels.active())
                .field("upstreamBytes", tunnels.upstreamBytes()).field("downstreamBytes", tunnels.downstreamBytes())
                .endObject();
        json.beginArray("backends");
        backends.forEach(backend -> backend.writeTo(json));
        return json.endArray().endObject().toString();
    }

    /** {@code "total":N,"2xx":N,...}: every class, {@code none} and {@code 1xx} only when they happened. */
    static Json writeClasses(Json json, long[] byClass) {
        long total = 0;
        for (long n : byClass) {
            total += n;
        }
        json.field("total", total);
        for (int i = 0; i < byClass.length; i++) {
            if (byClass[i] > 0 || i >= 2) {
                json.field(StatusClasses.LABELS[i], byClass[i]);
            }
        }
        return json;
    }

    /** WebSocket tunnels: open now, and bytes carried client to backend (upstream) and back since start. */
    record Tunnels(int active, long upstreamBytes, long downstreamBytes) {}

    /**
     * One backend in the report.
     *
     * @param state     as shown to operators (see {@link ShownState})
     * @param requests  attempts by {@link StatusClasses} index
     * @param lastProbe null until a health checker reported a probe
     */
    record BackendReport(String id, String url, int weight, int effectiveWeight, boolean backup, String state,
                         String reason, Instant since, int inFlight, long[] requests, long failures,
                         ProbeResult lastProbe, LatencyWindow.Latency latency) {

        static BackendReport of(PoolSnapshot snapshot, Backend backend, BackendStats stats, long nowNanos) {
            BackendState state = snapshot.state(backend);
            long[] requests = new long[StatusClasses.LABELS.length];
            for (int i = 0; i < requests.length; i++) {
                requests[i] = stats.requests(i);
            }
            return new BackendReport(backend.id(), backend.baseUrl(), backend.weight(), backend.effectiveWeight(),
                    backend.isBackup(), ShownState.of(snapshot, backend), state.reason(), state.since(), backend.inFlight(),
                    requests, stats.failures(), backend.lastProbe(), stats.latency(nowNanos));
        }

        String toJson() {
            Json json = new Json();
            writeTo(json);
            return json.toString();
        }

        void writeTo(Json json) {
            json.beginObject()
                    .field("id", id).field("url", url)
                    .field("weight", weight).field("effectiveWeight", effectiveWeight).field("backup", backup)
                    .field("state", state).field("reason", reason).field("since", since.toString())
                    .field("inFlight", inFlight);
            writeClasses(json.beginObject("requests"), requests).endObject();
            json.field("failures", failures);
            if (lastProbe == null) {
                json.nullField("lastProbe");
            } else {
                json.beginObject("lastProbe")
                        .field("passed", lastProbe.passed())
                        .field("detail", lastProbe.detail())
                        .field("durationMs", Math.round(lastProbe.durationNanos() / 1000.0) / 1000.0)
                        .field("at", lastProbe.at() == null ? null : lastProbe.at().toString())
                        .endObject();
            }
            json.beginObject("latencyMs")
                    .field("ewma", latency.ewmaMillis()).field("p50", latency.p50Millis()).field("p99", latency.p99Millis())
                    .field("samples", latency.samples())
                    .endObject();
            json.endObject();
        }
    }
}
