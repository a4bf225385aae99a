package dev.balancer.admin;

import dev.balancer.backend.Backend;
import dev.balancer.backend.PoolSnapshot;
import dev.balancer.backend.ProbeResult;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The Prometheus metrics of one balancer servlet, in a registry of its own (so several servlets in one container
 * never share or clash), every series labelled {@code pool=<servlet name>}. Counters and histograms are updated on
 * the request path through data points cached per backend; gauges are read from the pool's snapshot at scrape
 * time, so a drain shows in the next scrape.
 */
final class BalancerMetrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Labels poolLabel;
    private final Counter backendRequests;
    private final Counter backendFailures;
    private final Histogram backendDuration;
    private final Counter ejections;
    private final Histogram probeDuration;
    private final ClassCounters requests;
    private final CounterDataPoint retries;
    private final CounterDataPoint clientAborts;
    private final CounterDataPoint retriesRefused;
    private final CounterDataPoint reloadFailures;
    private final AtomicInteger tunnelsActive = new AtomicInteger();
    private final CounterDataPoint tunnelBytesUp;
    private final CounterDataPoint tunnelBytesDown;

    BalancerMetrics(String pool, Supplier<PoolSnapshot> snapshot) {
        poolLabel = Labels.of("pool", pool);
        requests = new ClassCounters(Counter.builder()
                .name("balancer_requests_total")
                .help("Client requests answered, by status class")
                .constLabels(poolLabel).labelNames("code").withoutExemplars()
                .register(registry));
        retries = Counter.builder()
                .name("balancer_retries_total")
                .help("Requests sent again to another backend after an attempt failed")
                .constLabels(poolLabel).withoutExemplars()
                .register(registry).labelValues();
        retriesRefused = Counter.builder()
                .name("balancer_retries_refused_total")
                .help("Retries not made because retries in flight reached retryBudget")
                .constLabels(poolLabel).withoutExemplars()
                .register(registry).labelValues();
        reloadFailures = Counter.builder()
                .name("balancer_config_reload_failures_total")
                .help("Configuration reloads refused because the new configuration was invalid (nothing changed)")
                .constLabels(poolLabel).withoutExemplars()
                .register(registry).labelValues();
        clientAborts = Counter.builder()
                .name("balancer_client_aborts_total")
                .help("Requests whose client went away before the exchange was over (never counted against a backend)")
                .constLabels(poolLabel).withoutExemplars()
                .register(registry).labelValues();
        GaugeWithCallback.builder()
                .name("balancer_tunnels_active")
                .help("WebSocket tunnels open now (backend answered 101, neither side closed yet)")
                .constLabels(poolLabel)
                .callback(callback -> callback.call(tunnelsActive.get()))
                .register(registry);
        Counter tunnelBytes = Counter.builder()
                .name("balancer_tunnel_bytes_total")
                .help("Bytes through WebSocket tunnels: upstream from clients to backends, downstream back")
                .constLabels(poolLabel).labelNames("direction").withoutExemplars()
                .register(registry);
        tunnelBytesUp = tunnelBytes.labelValues("upstream");
        tunnelBytesDown = tunnelBytes.labelValues("downstream");
        backendRequests = Counter.builder()
                .name("balancer_backend_requests_total")
                .help("Attempts at each backend, by the status class it answered (none: no response)")
                .constLabels(poolLabel).labelNames("backend", "code").withoutExemplars()
                .register(registry);
        backendFailures = Counter.builder()
                .name("balancer_backend_failures_total")
                .help("Attempts at each backend that failed: refused, reset, timed out")
                .constLabels(poolLabel).labelNames("backend").withoutExemplars()
                .register(registry);
        backendDuration = Histogram.builder()
                .name("balancer_backend_request_duration_seconds")
                .help("Time from sending a request to a backend until its response completed or failed")
                .unit(Unit.SECONDS).classicOnly()
                .constLabels(poolLabel).labelNames("backend").withoutExemplars()
                .register(registry);
        ejections = Counter.builder()
                .name("balancer_backend_ejections_total")
                .help("Times a backend was ejected by passive outlier detection")
                .constLabels(poolLabel).labelNames("backend").withoutExemplars()
                .register(registry);
        probeDuration = Histogram.builder()
                .name("balancer_health_probe_duration_seconds")
                .help("Duration of active health probes, by result")
                .unit(Unit.SECONDS).classicOnly()
                .constLabels(poolLabel).labelNames("backend", "result").withoutExemplars()
                .register(registry);
        GaugeWithCallback.builder()
                .name("balancer_backend_in_flight")
                .help("Requests sent to the backend and not yet completed")
                .constLabels(poolLabel).labelNames("backend")
                .callback(callback -> snapshot.get().members().forEach(b -> callback.call(b.inFlight(), b.id())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("balancer_backend_state")
                .help("1 for the state each backend is in, 0 for the others")
                .constLabels(poolLabel).labelNames("backend", "state")
                .callback(callback -> {
                    PoolSnapshot now = snapshot.get();
                    for (Backend backend : now.members()) {
                        String shown = ShownState.of(now, backend);
                        ShownState.LABELS.forEach(state -> callback.call(state.equals(shown) ? 1 : 0, backend.id(), state));
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("balancer_backend_effective_weight")
                .help("Weight the strategy uses now: the configured weight, or less during slow start")
                .constLabels(poolLabel).labelNames("backend")
                .callback(callback -> snapshot.get().members().forEach(b -> callback.call(b.effectiveWeight(), b.id())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("balancer_backends_available")
                .help("Backends that may be picked now")
                .constLabels(poolLabel)
                .callback(callback -> callback.call(snapshot.get().available().size()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("balancer_panic")
                .help("1 while too few backends are healthy (panicThreshold) and traffic goes to every backend not drained or down")
                .constLabels(poolLabel)
                .callback(callback -> callback.call(snapshot.get().panic() ? 1 : 0))
                .register(registry);
    }

    /** The expiry of the certificate a TLS listener serves now, read at every scrape so a reloaded one shows at once. */
    void certificateExpiry(Supplier<Instant> notAfter) {
        GaugeWithCallback.builder()
                .name("balancer_tls_certificate_expiry_seconds")
                .help("When the HTTPS listener's current certificate expires, in seconds since the epoch")
                .constLabels(poolLabel)
                .callback(callback -> callback.call(notAfter.get().getEpochSecond()))
                .register(registry);
    }

    /** The series of one backend, created when it joins the pool. */
    BackendMeters backend(String id) {
        return new BackendMeters(new ClassCounters(backendRequests, id), backendFailures.labelValues(id),
                backendDuration.labelValues(id));
    }

    /** Drops a backend's series when it leaves the pool (discovery), so they do not linger forever. */
    void remove(String id) {
        backendRequests.removeIf(labels -> labels.get(0).equals(id));
        backendFailures.remove(id);
        backendDuration.remove(id);
        ejections.remove(id);
        probeDuration.removeIf(labels -> labels.get(0).equals(id));
    }

    void requestEnded(int status, int retried, boolean clientAborted) {
        requests.count(status);
        if (retried > 0) {
            retries.inc(retried);
        }
        if (clientAborted) {
            clientAborts.inc();
        }
    }

    void retryRefused() {
        retriesRefused.inc();
    }

    void configReloadFailed() {
        reloadFailures.inc();
    }

    void tunnelOpened() {
        tunnelsActive.incrementAndGet();
    }

    void tunnelClosed() {
        tunnelsActive.decrementAndGet();
    }

    void tunnelBytes(boolean upstream, int bytes) {
        (upstream ? tunnelBytesUp : tunnelBytesDown).inc(bytes);
    }

    int tunnelsActive() {
        return tunnelsActive.get();
    }

    long tunnelBytes(boolean upstream) {
        return (long) (upstream ? tunnelBytesUp : tunnelBytesDown).get();
    }

    long requests(int statusClass) {
        return requests.get(statusClass);
    }

    void ejected(String id) {
        ejections.labelValues(id).inc();
    }

    void probed(String id, ProbeResult result) {
        probeDuration.labelValues(id, result.passed() ? "pass" : "fail").observe(result.durationNanos() / 1e9);
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** The request-path handles of one backend's series. */
    record BackendMeters(ClassCounters requests, CounterDataPoint failures, DistributionDataPoint duration) {}
}
