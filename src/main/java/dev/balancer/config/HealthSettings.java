package dev.balancer.config;

import static dev.balancer.config.ConfigKey.HEALTHY_THRESHOLD;
import static dev.balancer.config.ConfigKey.HEALTH_CHECK_INTERVAL;
import static dev.balancer.config.ConfigKey.HEALTH_CHECK_PATH;
import static dev.balancer.config.ConfigKey.HEALTH_CHECK_TIMEOUT;
import static dev.balancer.config.ConfigKey.SLOW_START;
import static dev.balancer.config.ConfigKey.UNHEALTHY_THRESHOLD;

import java.time.Duration;

/**
 * Active health checks, and how a backend that comes back is eased in.
 *
 * @param path               path probed on every backend; null when active checks are off
 * @param interval           time between probes of one backend
 * @param timeout            a slower probe fails; never longer than the interval
 * @param healthyThreshold   passed probes in a row that bring a backend back
 * @param unhealthyThreshold failed probes in a row that take it out
 * @param probe              what a probe sends and what answer passes it
 * @param slowStart          time over which a recovered or new backend's weight ramps up; zero for at once
 */
public record HealthSettings(String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold,
        ProbeSettings probe, Duration slowStart) {

    /** The probe timeout when the interval is longer and {@code healthCheckTimeout} is not set. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public static HealthSettings from(Values values) {
        Duration interval = values.duration(HEALTH_CHECK_INTERVAL);
        return new HealthSettings(values.text(HEALTH_CHECK_PATH), interval, timeout(values, interval),
                values.integer(HEALTHY_THRESHOLD), values.integer(UNHEALTHY_THRESHOLD), ProbeSettings.from(values), values.duration(SLOW_START));
    }

    /**
     * Unset, the timeout follows the interval (HAProxy's min(inter, timeout check)): whoever sets only
     * {@code healthCheckInterval=500ms} must not be told about a key they never set. Set longer than the interval,
     * it is an error: a probe would still run when the next is due.
     */
    private static Duration timeout(Values values, Duration interval) {
        if (!values.isSet(HEALTH_CHECK_TIMEOUT)) {
            return DEFAULT_TIMEOUT.compareTo(interval) < 0 ? DEFAULT_TIMEOUT : interval;
        }
        Duration timeout = values.duration(HEALTH_CHECK_TIMEOUT);
        if (timeout.compareTo(interval) > 0) {
            throw values.invalid(HEALTH_CHECK_TIMEOUT,
                    "must not be longer than healthCheckInterval (" + values.raw(HEALTH_CHECK_INTERVAL) + ")");
        }
        return timeout;
    }
}
