package dev.balancer;

/**
 * Where a client request goes, as the core decided it once: forward it (the exchange names the backend) or refuse
 * it with a status and the reason for the JSON body. The front end executes it and never re-derives it.
 */
public sealed interface Route {

    /** Send the request to {@code exchange.backend()}. */
    record Forward(Exchange exchange) implements Route {}

    /** Answer {@code status} (400, 405, 413, 503) with {@code message} and do not contact a backend. */
    record Refuse(int status, String message) implements Route {}
}
