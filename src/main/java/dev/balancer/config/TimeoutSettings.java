package dev.balancer.config;

import static dev.balancer.config.ConfigKey.CONNECT_TIMEOUT;
import static dev.balancer.config.ConfigKey.IDLE_TIMEOUT;
import static dev.balancer.config.ConfigKey.RESPONSE_TIMEOUT;
import static dev.balancer.config.ConfigKey.TIMEOUT;
import static dev.balancer.config.ConfigKey.TUNNEL_IDLE_TIMEOUT;

import java.time.Duration;

/**
 * How long an exchange with a backend may take, after nginx ({@code proxy_connect_timeout}, {@code proxy_read_timeout})
 * and Envoy (a timeout to the response, an idle timeout, an optional total). Streams, long polls and slow downloads
 * are limited by the idle timeout between bytes, not by a total that would cut every long exchange.
 *
 * @param connect    connecting to a backend
 * @param response   from sending a request until the response headers arrive; beyond it 504
 * @param idle       no byte from the backend for this long (before its response: 504; after: the connection is cut),
 *                   and how long idle keep-alive connections stay open
 * @param total      the whole exchange; {@link Duration#ZERO} when off (the default)
 * @param tunnelIdle an idle WebSocket tunnel, either side: WebSocket apps often stay quiet far longer than idle
 */
public record TimeoutSettings(Duration connect, Duration response, Duration idle, Duration total, Duration tunnelIdle) {

    public static TimeoutSettings from(Values values) {
        return new TimeoutSettings(values.duration(CONNECT_TIMEOUT), values.duration(RESPONSE_TIMEOUT),
                values.duration(IDLE_TIMEOUT), values.duration(TIMEOUT), values.duration(TUNNEL_IDLE_TIMEOUT));
    }
}
