package dev.balancer.config;

import static dev.balancer.config.ConfigKey.BACKENDS;
import static dev.balancer.config.ConfigKey.HASH_ON;
import static dev.balancer.config.ConfigKey.LATENCY_DECAY;
import static dev.balancer.config.ConfigKey.PANIC_THRESHOLD;
import static dev.balancer.config.ConfigKey.STICKY_COOKIE;
import static dev.balancer.config.ConfigKey.STRATEGY;

import java.time.Duration;
import java.util.List;

/**
 * The backends and how one is picked among them.
 *
 * @param backends     the configured backends; empty only with {@code discovery=dns}
 * @param strategy     a built-in strategy's name or a class name
 * @param hashOn       the key of {@code strategy=hash}
 * @param stickyCookie name of the cookie pinning a client to a backend; null when sticky sessions are off
 * @param latencyDecay window of the latency estimate of {@code least-latency}
 * @param panicThreshold percent of primaries that must be healthy, else traffic goes to every backend not drained or
 *                     down; 0 when panic is off
 */
public record PoolSettings(List<BackendSpec> backends, String strategy, String hashOn, String stickyCookie, Duration latencyDecay,
                           int panicThreshold) {

    public PoolSettings {
        backends = List.copyOf(backends);
    }

    /** Reads the pool's keys; without discovery the backend list is all there is, so it must not be empty. */
    public static PoolSettings from(Values values, DiscoverySettings.Mode discovery) {
        List<BackendSpec> backends = BackendSpec.parseList(values.described(BACKENDS));
        if (discovery == DiscoverySettings.Mode.STATIC && backends.isEmpty()) {
            throw values.invalid(BACKENDS,
                    "at least one backend is required, e.g. backends=http://127.0.0.1:8081,http://127.0.0.1:8082 (or discovery=dns)");
        }
        return new PoolSettings(backends, values.text(STRATEGY), values.text(HASH_ON), values.optional(STICKY_COOKIE),
                values.duration(LATENCY_DECAY), values.integer(PANIC_THRESHOLD));
    }
}
