package dev.balancer;

import dev.balancer.admin.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The JSON error bodies Balancer answers with itself: {@code {"error":"..."}}. */
final class ErrorResponses {
    static final String NO_HEALTHY_BACKEND = "no healthy backend";

    private ErrorResponses() {}

    static void send(HttpServletResponse response, int status, String message) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        byte[] body = ("{\"error\":" + Json.quote(message) + "}\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
