package dev.balancer.servlet;

import dev.balancer.ErrorBody;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.http.HttpField;

/** Errors the servlet answers itself: the balancer's JSON body, with the request id in it and in its header. */
final class ErrorResponses {
    private ErrorResponses() {}

    static void write(HttpServletResponse response, int status, String message, String requestIdHeader, String requestId)
            throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        HttpField header = ErrorBody.headerFor(status);
        if (header != null) {
            response.setHeader(header.getName(), header.getValue());
        }
        response.setHeader(requestIdHeader, requestId);
        response.setContentType("application/json");
        byte[] body = ErrorBody.of(message, requestId);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
