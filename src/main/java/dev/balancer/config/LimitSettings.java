package dev.balancer.config;

import static dev.balancer.config.ConfigKey.MAX_CONNECTIONS_PER_BACKEND;
import static dev.balancer.config.ConfigKey.MAX_REQUEST_BODY_SIZE;
import static dev.balancer.config.ConfigKey.MAX_REQUEST_HEADER_SIZE;

/**
 * What one request and one backend may take.
 *
 * @param maxRequestHeaderSize     bytes of request headers; beyond them 431
 * @param maxRequestBodySize       bytes of a request body, or {@link #UNLIMITED}; beyond them 413
 * @param maxConnectionsPerBackend connections per backend; as many again may queue, beyond that 503
 */
public record LimitSettings(int maxRequestHeaderSize, long maxRequestBodySize, int maxConnectionsPerBackend) {

    /** {@link #maxRequestBodySize} when there is no limit. */
    public static final long UNLIMITED = Values.UNLIMITED;

    public static LimitSettings from(Values values) {
        return new LimitSettings(Math.toIntExact(values.size(MAX_REQUEST_HEADER_SIZE)), values.size(MAX_REQUEST_BODY_SIZE),
                values.integer(MAX_CONNECTIONS_PER_BACKEND));
    }

    /** Whether a body of this many bytes is over the limit. */
    public boolean bodyTooLarge(long bytes) {
        return maxRequestBodySize != UNLIMITED && bytes > maxRequestBodySize;
    }
}
