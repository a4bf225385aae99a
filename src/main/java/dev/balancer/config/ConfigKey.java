package dev.balancer.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** Every configuration key Balancer understands, with its default and meaning: the one list docs and checks derive from. */
public enum ConfigKey {
    BACKENDS("backends", null, "comma-separated backends, each 'URL [weight=N] [backup] [down]' (required unless discovery=dns; with dns, the set used until a resolution succeeds)"),
    STRATEGY("strategy", "round-robin", "round-robin, random, least-connections, power-of-two, hash, least-latency, or a class name"),
    HASH_ON("hashOn", "client-ip", "key for strategy=hash: client-ip, uri, header:NAME or cookie:NAME"),
    STICKY_COOKIE("stickyCookie", null, "name of a cookie that pins a client to a backend (off when unset)"),
    HEALTH_CHECK_PATH("healthCheckPath", null, "path probed on every backend, e.g. /health (active checks off when unset)"),
    HEALTH_CHECK_INTERVAL("healthCheckInterval", "5s", "time between probes of one backend"),
    HEALTH_CHECK_TIMEOUT("healthCheckTimeout", "2s", "a probe slower than this fails"),
    HEALTHY_THRESHOLD("healthyThreshold", "2", "consecutive passed probes that bring a backend back"),
    UNHEALTHY_THRESHOLD("unhealthyThreshold", "3", "consecutive failed probes that take a backend out"),
    MAX_FAILS("maxFails", "3", "passive: failures within failTimeout that eject a backend"),
    FAIL_TIMEOUT("failTimeout", "10s", "passive: failure window, and how long an ejection lasts"),
    SLOW_START("slowStart", "0s", "ramp a recovered backend's weight up over this time"),
    RETRIES("retries", "1", "other backends tried when it is safe (connect failure, or idempotent and nothing sent)"),
    CONNECT_TIMEOUT("connectTimeout", "2s", "connect timeout to a backend"),
    TIMEOUT("timeout", "30s", "whole exchange with a backend; beyond it 504"),
    IDLE_TIMEOUT("idleTimeout", "30s", "idle time of a connection (backend side, and client side in the runnable jar)"),
    TRUST_FORWARDED_FOR("trustForwardedFor", "false", "use the client's X-Forwarded-For for hashing and logs, and append to it"),
    DISCOVERY("discovery", "static", "static (the backends list) or dns (resolve discoveryHost)"),
    DISCOVERY_HOST("discoveryHost", null, "host name resolved when discovery=dns, one backend per A/AAAA address (a headless Service)"),
    DISCOVERY_PORT("discoveryPort", "80", "backend port when discovery=dns"),
    DISCOVERY_INTERVAL("discoveryInterval", "10s", "time between DNS resolutions"),
    LATENCY_DECAY("latencyDecay", "10s", "window of the peak-EWMA latency used by least-latency"),
    STRIP_PREFIX("stripPrefix", "false", "remove the servlet's mapped prefix (e.g. /api) before forwarding"),
    PRESERVE_HOST("preserveHost", "false", "forward the client's Host header instead of the backend's"),
    MAX_REQUEST_HEADER_SIZE("maxRequestHeaderSize", "16KiB", "larger request headers get 431"),
    MAX_REQUEST_BODY_SIZE("maxRequestBodySize", "unlimited", "larger request bodies get 413"),
    MAX_CONNECTIONS_PER_BACKEND("maxConnectionsPerBackend", "256", "connections per backend; as many again may queue, beyond that 503"),
    ADMIN("admin", "true", "serve the admin endpoints under adminPath"),
    ADMIN_PATH("adminPath", "/_balancer", "path prefix of the admin endpoints"),
    ADMIN_TOKEN("adminToken", null, "bearer token for admin endpoints; without it they answer only loopback clients"),
    ACCESS_LOG("accessLog", "false", "one line per request to SLF4J logger dev.balancer.access"),
    SHUTDOWN_DELAY("shutdownDelay", "5s", "on stop: health turns 503 while traffic is still served this long, then the listener closes (runnable jar)"),
    SHUTDOWN_TIMEOUT("shutdownTimeout", "30s", "on stop: time in-flight requests get to finish"),
    PORT("port", "8080", "listening port (runnable jar only)"),
    HOST("host", "0.0.0.0", "listening address (runnable jar only)");

    private final String key;
    private final String defaultValue;
    private final String meaning;

    ConfigKey(String key, String defaultValue, String meaning) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.meaning = meaning;
    }

    public String key() {
        return key;
    }

    /** The default as written in docs, or null when the key has none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }

    /** {@code BALANCER_HEALTH_CHECK_PATH} for {@code healthCheckPath}. */
    public String envName() {
        return "BALANCER_" + name();
    }

    public String systemProperty() {
        return "balancer." + key;
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /** The known key closest to a mistyped one, for "did you mean" hints. */
    public static String closest(String unknown) {
        String lower = unknown.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .map(ConfigKey::key)
                .min(Comparator.comparingInt(k -> editDistance(lower, k.toLowerCase(Locale.ROOT))))
                .orElseThrow();
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
