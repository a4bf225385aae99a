package dev.balancer.config;

import static dev.balancer.config.ConfigKey.H2C;
import static dev.balancer.config.ConfigKey.HOST;
import static dev.balancer.config.ConfigKey.PORT;
import static dev.balancer.config.ConfigKey.SHUTDOWN_DELAY;
import static dev.balancer.config.ConfigKey.SHUTDOWN_TIMEOUT;

import java.time.Duration;

/**
 * Listening and stopping. Host and port apply to the runnable jar only; in a servlet container the container listens.
 *
 * @param host            listening address
 * @param port            listening port; 0 for any free one
 * @param h2c             whether that port also speaks HTTP/2 with prior knowledge
 * @param shutdownDelay   on stop, how long traffic is still served while health answers 503
 * @param shutdownTimeout on stop, how long in-flight requests get to finish
 */
public record ServerSettings(String host, int port, boolean h2c, Duration shutdownDelay, Duration shutdownTimeout) {

    public static ServerSettings from(Values values) {
        return new ServerSettings(values.described(HOST), values.integer(PORT), values.bool(H2C), values.duration(SHUTDOWN_DELAY),
                values.duration(SHUTDOWN_TIMEOUT));
    }
}
