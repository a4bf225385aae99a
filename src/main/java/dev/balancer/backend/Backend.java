package dev.balancer.backend;

import dev.balancer.config.BackendSpec;
import dev.balancer.strategy.Endpoint;
import java.net.URI;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One backend server. Its identity (URL, id) never changes; its spec (weight, backup) changes only when an operator
 * re-weights it through the pool, which then publishes a new snapshot, so the object, and with it everything keyed
 * by it (health, counters, latency estimates), stays. The live numbers strategies read through {@link Endpoint}
 * (in-flight requests, effective weight) are updated without locks on the request path, and only by this package:
 * the pool counts attempts and sets weights, so nothing else can make them disagree with it.
 */
public final class Backend implements Endpoint {
    /** Replaced only under the pool's lock, before the snapshot that shows it is published. */
    private volatile BackendSpec spec;
    private final String id;
    private final String baseUrl;
    /** Read by every pick of the load-aware strategies: a field of its own, not an AtomicInteger one pointer away. */
    private static final AtomicIntegerFieldUpdater<Backend> IN_FLIGHT = AtomicIntegerFieldUpdater.newUpdater(Backend.class, "inFlight");
    private volatile int inFlight;
    private volatile int effectiveWeight;
    private volatile ProbeResult lastProbe;

    public Backend(BackendSpec spec) {
        this.spec = spec;
        URI url = spec.url();
        this.baseUrl = url.toString();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        this.id = (url.getHost() + ":" + url.getPort() + path.replace('/', '_')).replace("[", "").replace("]", "");
        this.effectiveWeight = spec.weight();
    }

    /** Stable, URL-safe name: {@code 127.0.0.1:8081}. The same on every replica and across restarts. */
    public String id() {
        return id;
    }

    /** Scheme, host, port and base path, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The {@link #baseUrl()}: what the hash ring places this backend by, the same on every replica. */
    @Override
    public String key() {
        return baseUrl;
    }

    public URI url() {
        return spec.url();
    }

    public BackendSpec spec() {
        return spec;
    }

    /** The same URL with another weight or backup flag; see {@link BackendPool#reconfigure}. */
    void spec(BackendSpec next) {
        this.spec = next;
        this.effectiveWeight = next.weight();
    }

    /** Configured weight. */
    public int weight() {
        return spec.weight();
    }

    /**
     * Weight strategies use when they build a picker: the configured weight, or less while slow start ramps
     * a recovered or newly added backend up. Never below 1.
     */
    @Override
    public int effectiveWeight() {
        return effectiveWeight;
    }

    void effectiveWeight(int weight) {
        this.effectiveWeight = Math.max(1, weight);
    }

    /** The latest active health probe, or null when none ran (yet). */
    public ProbeResult lastProbe() {
        return lastProbe;
    }

    void lastProbe(ProbeResult result) {
        this.lastProbe = result;
    }

    public boolean isBackup() {
        return spec.backup();
    }

    /** Requests sent to this backend and not yet completed. */
    @Override
    public int inFlight() {
        return inFlight;
    }

    void requestStarted() {
        IN_FLIGHT.incrementAndGet(this);
    }

    void requestEnded() {
        IN_FLIGHT.decrementAndGet(this);
    }

    @Override
    public String toString() {
        return baseUrl;
    }
}
