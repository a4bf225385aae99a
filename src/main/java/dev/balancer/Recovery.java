package dev.balancer;

import dev.balancer.backend.Backend;

/**
 * What a front end does after an attempt failed, as the core decided it once (gRPC-Java's {@code PickResult} is
 * the model): send the request again to another backend, answer an error, or cut the client connection because
 * the response has already started.
 */
public sealed interface Recovery {

    /**
     * Send the request again, to {@code backend}, after {@code delayNanos} (0: at once); the exchange has already
     * moved on to it.
     */
    record Retry(Backend backend, long delayNanos) implements Recovery {}

    /** Answer {@code status} (400, 413, 502, 503, 504) with {@code message}; no backend is tried any more. */
    record Reply(int status, String message) implements Recovery {}

    /** The response was already committed to the client: cut the connection, never fake a complete response. */
    record Abort() implements Recovery {}
}
