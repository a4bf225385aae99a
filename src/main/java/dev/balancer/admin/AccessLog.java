package dev.balancer.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per client request to SLF4J logger {@code dev.balancer.access}, as {@code key=value} pairs so that
 * both people and log tools read it:
 * {@code client=10.0.0.7 method=GET uri="/cart?id=3" status=200 backend=10.0.1.2:8080 bytes=512 duration_ms=3.1 retries=0},
 * with {@code aborted=client} at the end when the client went away before the exchange was over (nginx logs such a
 * request as 499).
 */
final class AccessLog {
    static final String LOGGER = "dev.balancer.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {}

    static void log(String client, String method, String uri, int status, String backend, long bytes,
                    long durationNanos, int retries, boolean clientAborted) {
        if (LOG.isInfoEnabled()) {
            LOG.info("client={} method={} uri={} status={} backend={} bytes={} duration_ms={} retries={}{}", client,
                    method, quoted(uri), status, backend == null ? "-" : backend, bytes,
                    Math.round(durationNanos / 100_000.0) / 10.0, retries, clientAborted ? " aborted=client" : "");
        }
    }

    /** The URI in quotes, with quotes, backslashes and control characters escaped: one request, one line. */
    static String quoted(String uri) {
        StringBuilder out = new StringBuilder(uri.length() + 2).append('"');
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
