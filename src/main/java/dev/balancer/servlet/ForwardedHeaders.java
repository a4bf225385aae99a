package dev.balancer.servlet;

import dev.balancer.Balancer;
import dev.balancer.ProxyHeaders;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Set;
import org.eclipse.jetty.client.Request;

/** The headers a backend request gets from the client's servlet request: those the balancer forwards, and ours. */
final class ForwardedHeaders {
    private ForwardedHeaders() {}

    /** Replaces the backend request's headers with the client's that {@link ProxyHeaders#forwards} lets through. */
    static void copy(Balancer balancer, HttpServletRequest clientRequest, Request proxyRequest) {
        Set<String> connectionListed = ProxyHeaders.connectionListed(clientRequest.getHeaders("Connection"));
        proxyRequest.headers(headers -> {
            headers.clear();
            for (Enumeration<String> names = clientRequest.getHeaderNames(); names.hasMoreElements(); ) {
                String name = names.nextElement();
                if (!balancer.proxyHeaders().forwards(name, connectionListed)) {
                    continue;
                }
                for (Enumeration<String> values = clientRequest.getHeaders(name); values.hasMoreElements(); ) {
                    String value = values.nextElement();
                    if (value != null) {
                        headers.add(name, value);
                    }
                }
            }
        });
    }

    /** X-Forwarded-* and the request id, once per backend request. */
    static void add(Balancer balancer, HttpServletRequest clientRequest, Request proxyRequest, String requestId) {
        String clientIp = clientRequest.getRemoteAddr();
        String host = clientRequest.getHeader("Host");
        String proto = clientRequest.getScheme();
        proxyRequest.headers(headers -> {
            ProxyHeaders.addForwarded(headers, clientIp, proto, host);
            headers.put(balancer.requestIdHeader(), requestId);
        });
    }
}
