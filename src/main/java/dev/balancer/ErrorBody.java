package dev.balancer;

import dev.balancer.admin.Json;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The JSON error bodies Balancer answers with itself, {@code {"error":"...","requestId":"..."}} (the id a user can
 * quote when reporting it), and the header that goes with each status. Each front end writes them with its own
 * response API.
 */
public final class ErrorBody {
    private static final HttpField RETRY_AFTER = new HttpField(HttpHeader.RETRY_AFTER, "1");
    private static final HttpField CLOSE = new HttpField(HttpHeader.CONNECTION, "close");

    private ErrorBody() {}

    public static byte[] of(String message, String requestId) {
        return ("{\"error\":" + Json.quote(message) + ",\"requestId\":" + Json.quote(requestId) + "}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A header that goes with the status, or null: 503 says when to try again; 413 closes the connection, since the
     * body it refused is not read.
     */
    public static HttpField headerFor(int status) {
        return switch (status) {
            case 503 -> RETRY_AFTER;
            case 413 -> CLOSE;
            default -> null;
        };
    }
}
