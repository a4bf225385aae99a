package dev.balancer.admin;

import dev.balancer.config.AdminSettings.AccessLogFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per client request to SLF4J logger {@code dev.balancer.access}, in one of three shapes
 * ({@code accessLogFormat}):
 * <ul>
 *   <li>{@code default}, {@code key=value} pairs that both people and log tools read:
 *       {@code client=10.0.0.7 method=GET uri="/cart?id=3" status=200 backend=10.0.1.2:8080 bytes=512 duration_ms=3.1
 *       retries=0 request_id=4bf92f35...}, with {@code aborted=client} at the end when the client went away before the
 *       exchange was over (nginx logs such a request as 499);</li>
 *   <li>{@code json}, the same fields and the time as one JSON object, for log shippers;</li>
 *   <li>{@code combined}, Apache's and nginx's combined log format exactly, for the tools that read it.</li>
 * </ul>
 */
final class AccessLog {
    static final String LOGGER = "dev.balancer.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final DateTimeFormatter COMBINED_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

    /**
     * What one line says about one request.
     *
     * @param backend the backend that answered last, null when none did
     * @param start   when the request arrived (combined and json show it; the default line leaves it to the logger)
     */
    record Entry(String client, String method, String uri, String protocol, int status, String backend, long bytes,
                 long durationNanos, int retries, boolean clientAborted, String requestId, String referer,
                 String userAgent, Instant start) {}

    private final AccessLogFormat format;

    AccessLog(AccessLogFormat format) {
        this.format = format;
    }

    static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    void log(Entry entry) {
        LOG.info(switch (format) {
            case DEFAULT -> keyValue(entry);
            case JSON -> json(entry);
            case COMBINED -> combined(entry);
        });
    }

    static String keyValue(Entry e) {
        return "client=" + e.client() + " method=" + e.method() + " uri=" + quoted(e.uri()) + " status=" + e.status()
                + " backend=" + orDash(e.backend()) + " bytes=" + e.bytes() + " duration_ms=" + millis(e.durationNanos())
                + " retries=" + e.retries() + " request_id=" + orDash(e.requestId())
                + (e.clientAborted() ? " aborted=client" : "");
    }

    static String json(Entry e) {
        Json json = new Json().beginObject()
                .field("time", e.start().toString()).field("client", e.client()).field("method", e.method())
                .field("uri", e.uri()).field("protocol", e.protocol()).field("status", e.status())
                .field("backend", e.backend()).field("bytes", e.bytes()).field("duration_ms", millis(e.durationNanos()))
                .field("retries", e.retries()).field("request_id", e.requestId())
                .field("referer", e.referer()).field("user_agent", e.userAgent());
        if (e.clientAborted()) {
            json.field("aborted", "client");
        }
        return json.endObject().toString();
    }

    /**
     * {@code %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"}: no identity or user (Balancer authenticates
     * nobody), {@code -} for an empty body, nothing appended, so every tool that reads combined logs reads these.
     */
    static String combined(Entry e) {
        String request = e.method() + " " + e.uri() + " " + e.protocol();
        return e.client() + " - - [" + COMBINED_TIME.format(e.start()) + "] " + quoted(request) + " " + e.status() + " "
                + (e.bytes() > 0 ? Long.toString(e.bytes()) : "-") + " " + quotedOrDash(e.referer()) + " "
                + quotedOrDash(e.userAgent());
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 100_000.0) / 10.0;
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    private static String quotedOrDash(String value) {
        return value == null ? "\"-\"" : quoted(value);
    }

    /** The text in quotes, with quotes, backslashes and control characters escaped: one request, one line. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
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
