package dev.balancer.servlet;

import dev.balancer.ProxyTrailers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@link ProxyTrailers} in the servlet: Jetty's proxy servlets drop the backend's trailers (gRPC's status among
 * them); the Servlet API's trailer fields put them back, for clients on HTTP/2 or 3 only.
 */
final class ServletTrailers {
    private ServletTrailers() {}

    private static boolean clientTakesThem(HttpServletRequest request) {
        return ProxyTrailers.clientTakesThem(request.getProtocol());
    }

    /** {@code TE: trailers} to the backend when an HTTP/2 client sent it. */
    static void forwardTe(HttpServletRequest request, org.eclipse.jetty.client.Request toBackend) {
        if (clientTakesThem(request) && ProxyTrailers.asked(request.getHeaders("TE"))) {
            toBackend.headers(headers -> headers.put(HttpHeader.TE, ProxyTrailers.TE_TRAILERS));
        }
    }

    /** Call before the response is committed: the backend's trailers, read when the response ends, end it too. */
    static void passOn(HttpServletRequest request, HttpServletResponse toClient, Response fromBackend) {
        if (!clientTakesThem(request)) {
            return;
        }
        toClient.setTrailerFields(() -> {
            HttpFields passed = ProxyTrailers.passed(fromBackend.getTrailers());
            Map<String, String> fields = new LinkedHashMap<>();
            if (passed != null) {
                for (HttpField field : passed) {
                    fields.merge(field.getName(), field.getValue(), (first, next) -> first + ", " + next);
                }
            }
            return fields;
        });
    }
}
