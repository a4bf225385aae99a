package dev.balancer.config;

import static dev.balancer.config.ConfigKey.ACCESS_LOG;
import static dev.balancer.config.ConfigKey.ACCESS_LOG_FORMAT;
import static dev.balancer.config.ConfigKey.ADMIN;
import static dev.balancer.config.ConfigKey.ADMIN_PATH;
import static dev.balancer.config.ConfigKey.ADMIN_TOKEN;

import java.util.Locale;

/**
 * The admin endpoints and the access log.
 *
 * @param enabled         whether the admin endpoints are served
 * @param path            their path prefix, below where the balancer is mounted
 * @param token           bearer token they require; null to answer loopback clients only
 * @param accessLog       one line per request to logger {@code dev.balancer.access}
 * @param accessLogFormat how each of those lines is written
 */
public record AdminSettings(boolean enabled, String path, String token, boolean accessLog, AccessLogFormat accessLogFormat) {

    /** The shapes of an access log line. */
    public enum AccessLogFormat { DEFAULT, JSON, COMBINED }

    public static AdminSettings from(Values values) {
        return new AdminSettings(values.bool(ADMIN), values.text(ADMIN_PATH), values.optional(ADMIN_TOKEN), values.bool(ACCESS_LOG),
                AccessLogFormat.valueOf(values.choice(ACCESS_LOG_FORMAT).toUpperCase(Locale.ROOT)));
    }
}
