package dev.balancer;

import dev.balancer.admin.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/** The JSON error bodies Balancer answers with itself: {@code {"error":"..."}}. */
final class ErrorResponses {
    private static final HttpField RETRY_AFTER = new HttpField(HttpHeader.RETRY_AFTER, "1");
    private static final HttpField CLOSE = new HttpField(HttpHeader.CONNECTION, "close");

    private ErrorResponses() {}

    static byte[] body(String message) {
        return ("{\"error\":" + Json.quote(message) + "}\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A header that goes with the status, or null: 503 says when to try again; 413 closes the connection, since the
     * body it refused is not read.
     */
    static HttpField headerFor(int status) {
        return switch (status) {
            case 503 -> RETRY_AFTER;
            case 413 -> CLOSE;
            default -> null;
        };
    }

    static void send(HttpServletResponse response, int status, String message) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        HttpField header = headerFor(status);
        if (header != null) {
            response.setHeader(header.getName(), header.getValue());
        }
        response.setContentType("application/json");
        byte[] body = body(message);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
