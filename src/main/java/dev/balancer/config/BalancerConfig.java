package dev.balancer.config;

import static dev.balancer.config.ConfigKey.*;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of one balancer, parsed and validated. Built once at startup by {@link #from(ConfigSources)};
 * a bad value throws {@link ConfigException} naming the key, the value and what is allowed.
 */
public record BalancerConfig(
        List<BackendSpec> backends,
        String strategy,
        String hashOn,
        String stickyCookie,
        String healthCheckPath,
        Duration healthCheckInterval,
        Duration healthCheckTimeout,
        int healthyThreshold,
        int unhealthyThreshold,
        int maxFails,
        Duration failTimeout,
        Duration slowStart,
        int retries,
        Duration connectTimeout,
        Duration timeout,
        Duration idleTimeout,
        boolean trustForwardedFor,
        Discovery discovery,
        String discoveryHost,
        int discoveryPort,
        Duration discoveryInterval,
        Duration latencyDecay,
        boolean stripPrefix,
        boolean preserveHost,
        int maxRequestHeaderSize,
        long maxRequestBodySize,
        int maxConnectionsPerBackend,
        boolean admin,
        String adminPath,
        String adminToken,
        boolean accessLog,
        Duration shutdownDelay,
        Duration shutdownTimeout,
        int port,
        String host) {

    /** How the backend set is found. */
    public enum Discovery { STATIC, DNS }

    /** {@link #maxRequestBodySize} when there is no limit. */
    public static final long UNLIMITED = -1;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(b|kb|kib|mb|mib|gb|gib)?");
    /** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens; a trailing dot is allowed. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}\\.?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern HASH_ON_FORMAT = Pattern.compile("client-ip|uri|(header|cookie):[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    public static BalancerConfig from(ConfigSources sources) {
        sources.rejectUnknownKeys();
        Discovery discovery = parseDiscovery(sources.get(DISCOVERY));
        List<BackendSpec> backends = BackendSpec.parseList(sources.get(BACKENDS));
        String discoveryHost = sources.get(DISCOVERY_HOST);
        if (discovery == Discovery.STATIC && backends.isEmpty()) {
            throw new ConfigException(BACKENDS.key(), sources.get(BACKENDS),
                    "at least one backend is required, e.g. backends=http://127.0.0.1:8081,http://127.0.0.1:8082 (or discovery=dns)");
        }
        if (discovery == Discovery.DNS && (discoveryHost == null || !HOST_NAME.matcher(discoveryHost).matches())) {
            throw new ConfigException(DISCOVERY_HOST.key(), discoveryHost,
                    "a host name such as my-app.default.svc.cluster.local is required when discovery=dns"
                            + " (no scheme, no port: the port is discoveryPort)");
        }
        String strategy = sources.get(STRATEGY);
        if (strategy.isEmpty()) {
            throw new ConfigException(STRATEGY.key(), strategy, "a strategy name or a class name");
        }
        String hashOn = sources.get(HASH_ON);
        if (!HASH_ON_FORMAT.matcher(hashOn).matches()) {
            throw new ConfigException(HASH_ON.key(), hashOn, "one of client-ip, uri, header:NAME, cookie:NAME");
        }
        String healthCheckPath = sources.get(HEALTH_CHECK_PATH);
        if (healthCheckPath != null && !healthCheckPath.startsWith("/")) {
            throw new ConfigException(HEALTH_CHECK_PATH.key(), healthCheckPath, "a path starting with '/', e.g. /health");
        }
        String adminPath = sources.get(ADMIN_PATH);
        if (!adminPath.matches("/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*")) {
            throw new ConfigException(ADMIN_PATH.key(), adminPath, "a path like /_balancer (letters, digits, . _ ~ - and /; no trailing /)");
        }
        Duration healthCheckInterval = positiveDuration(sources, HEALTH_CHECK_INTERVAL);
        Duration healthCheckTimeout = positiveDuration(sources, HEALTH_CHECK_TIMEOUT);
        if (healthCheckTimeout.compareTo(healthCheckInterval) > 0) {
            throw new ConfigException(HEALTH_CHECK_TIMEOUT.key(), sources.get(HEALTH_CHECK_TIMEOUT),
                    "must not be longer than healthCheckInterval (" + sources.get(HEALTH_CHECK_INTERVAL) + ")");
        }
        return new BalancerConfig(
                backends,
                strategy,
                hashOn,
                optionalToken(sources, STICKY_COOKIE),
                healthCheckPath,
                healthCheckInterval,
                healthCheckTimeout,
                integer(sources, HEALTHY_THRESHOLD, 1, 100),
                integer(sources, UNHEALTHY_THRESHOLD, 1, 100),
                integer(sources, MAX_FAILS, 1, 1000),
                positiveDuration(sources, FAIL_TIMEOUT),
                duration(sources, SLOW_START),
                integer(sources, RETRIES, 0, 10),
                positiveDuration(sources, CONNECT_TIMEOUT),
                positiveDuration(sources, TIMEOUT),
                positiveDuration(sources, IDLE_TIMEOUT),
                bool(sources, TRUST_FORWARDED_FOR),
                discovery,
                discoveryHost,
                integer(sources, DISCOVERY_PORT, 1, 65535),
                positiveDuration(sources, DISCOVERY_INTERVAL),
                positiveDuration(sources, LATENCY_DECAY),
                bool(sources, STRIP_PREFIX),
                bool(sources, PRESERVE_HOST),
                (int) size(sources, MAX_REQUEST_HEADER_SIZE, 1024, 1024 * 1024),
                bodySize(sources),
                integer(sources, MAX_CONNECTIONS_PER_BACKEND, 1, 100_000),
                bool(sources, ADMIN),
                adminPath,
                optionalToken(sources, ADMIN_TOKEN),
                bool(sources, ACCESS_LOG),
                duration(sources, SHUTDOWN_DELAY),
                duration(sources, SHUTDOWN_TIMEOUT),
                integer(sources, PORT, 0, 65535),
                sources.get(HOST));
    }

    /** Longer than any sensible timeout or interval, and far from overflowing the nanosecond timers. */
    private static final Duration MAX_DURATION = Duration.ofDays(7);

    /** Parses {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h} or {@code 0}, up to 7 days. */
    public static Duration parseDuration(String key, String value) {
        if ("0".equals(value)) {
            return Duration.ZERO;
        }
        Matcher m = value == null ? null : DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (m == null || !m.matches()) {
            throw new ConfigException(key, value, "a duration such as 500ms, 2s, 1m or 1h");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw new ConfigException(key, value, "a duration of at most 7 days (168h)");
        }
        return duration;
    }

    private static Duration duration(ConfigSources sources, ConfigKey key) {
        return parseDuration(key.key(), sources.get(key));
    }

    private static Duration positiveDuration(ConfigSources sources, ConfigKey key) {
        Duration duration = duration(sources, key);
        if (duration.isZero()) {
            throw new ConfigException(key.key(), sources.get(key), "a duration greater than zero, such as 500ms, 2s or 1m");
        }
        return duration;
    }

    private static int integer(ConfigSources sources, ConfigKey key, int min, int max) {
        String value = sources.get(key);
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key.key(), value, "an integer from " + min + " to " + max);
    }

    private static boolean bool(ConfigSources sources, ConfigKey key) {
        String value = sources.get(key).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key.key(), sources.get(key), "true or false");
        };
    }

    private static String optionalToken(ConfigSources sources, ConfigKey key) {
        String value = sources.get(key);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!value.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new ConfigException(key.key(), value, "letters, digits and !#$%&'*+.^_`|~- only (an HTTP token)");
        }
        return value;
    }

    private static long size(ConfigSources sources, ConfigKey key, long min, long max) {
        String value = sources.get(key);
        Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            String unit = m.group(2) == null ? "b" : m.group(2);
            long factor = switch (unit) {
                case "kb", "kib" -> 1024L;
                case "mb", "mib" -> 1024L * 1024;
                case "gb", "gib" -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            long bytes = Long.parseLong(m.group(1)) * factor;
            if (bytes >= min && bytes <= max) {
                return bytes;
            }
        }
        throw new ConfigException(key.key(), value, "a size from " + min + " to " + max + " bytes, such as 16KiB or 10MiB");
    }

    private static long bodySize(ConfigSources sources) {
        String value = sources.get(MAX_REQUEST_BODY_SIZE);
        return "unlimited".equalsIgnoreCase(value) ? UNLIMITED : size(sources, MAX_REQUEST_BODY_SIZE, 0, Long.MAX_VALUE / 2);
    }

    private static Discovery parseDiscovery(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "static" -> Discovery.STATIC;
            case "dns" -> Discovery.DNS;
            default -> throw new ConfigException(DISCOVERY.key(), value, "static or dns");
        };
    }
}
