package dev.balancer.config;

import static dev.balancer.config.ConfigKey.CONNECT_TIMEOUT;
import static dev.balancer.config.ConfigKey.IDLE_TIMEOUT;
import static dev.balancer.config.ConfigKey.TIMEOUT;
import static dev.balancer.config.ConfigKey.TUNNEL_IDLE_TIMEOUT;

import java.time.Duration;

/**
 * How long an exchange with a backend may take.
 *
 * @param connect connecting to a backend
 * @param timeout the whole exchange with a backend ({@code timeout}); beyond it 504
 * @param idle    an idle connection (backend side, and client side in the runnable jar)
 * @param tunnelIdle an idle WebSocket tunnel, either side: WebSocket apps often stay quiet far longer than idle
 */
public record TimeoutSettings(Duration connect, Duration timeout, Duration idle, Duration tunnelIdle) {

    public static TimeoutSettings from(Values values) {
        return new TimeoutSettings(values.duration(CONNECT_TIMEOUT), values.duration(TIMEOUT), values.duration(IDLE_TIMEOUT),
                values.duration(TUNNEL_IDLE_TIMEOUT));
    }
}
