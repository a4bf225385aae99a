package dev.balancer.config;

import static dev.balancer.config.ConfigKey.DISCOVERY;
import static dev.balancer.config.ConfigKey.DISCOVERY_HOST;
import static dev.balancer.config.ConfigKey.DISCOVERY_INTERVAL;
import static dev.balancer.config.ConfigKey.DISCOVERY_PORT;

import java.time.Duration;
import java.util.Locale;

/**
 * How the backend set is found: the static list, or the addresses a DNS name resolves to.
 *
 * @param mode     static or dns
 * @param host     the name resolved with dns (checked only then); may be null with static
 * @param port     the backends' port with dns
 * @param interval time between resolutions
 */
public record DiscoverySettings(Mode mode, String host, int port, Duration interval) {

    /** How the backend set is found. */
    public enum Mode { STATIC, DNS }

    public static DiscoverySettings from(Values values) {
        Mode mode = Mode.valueOf(values.choice(DISCOVERY).toUpperCase(Locale.ROOT));
        String host = values.raw(DISCOVERY_HOST);
        if (mode == Mode.DNS && values.text(DISCOVERY_HOST) == null) {
            throw values.invalid(DISCOVERY_HOST, DISCOVERY_HOST.allowed().message());
        }
        return new DiscoverySettings(mode, host, values.integer(DISCOVERY_PORT), values.duration(DISCOVERY_INTERVAL));
    }
}
