package dev.balancer;

import java.util.Enumeration;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * Trailers across the proxy, for both front ends; gRPC needs them: its status (grpc-status, grpc-message) comes in
 * the response's trailers, after the messages. Passed only to clients on HTTP/2 (or 3), where trailers are one more
 * HEADERS frame and cost nothing when absent: on HTTP/1.1 asking for trailers makes the server chunk every response,
 * even one with a Content-Length, and hardly an HTTP/1.1 client reads them.
 */
public final class ProxyTrailers {
    /** The only TE value passed on: {@code TE: trailers}. */
    public static final String TE_TRAILERS = "trailers";

    private ProxyTrailers() {}

    /** Whether a client speaking this protocol ({@code HTTP/2.0}, ...) gets trailers passed on. */
    public static boolean clientTakesThem(String protocol) {
        return protocol.startsWith("HTTP/2") || protocol.startsWith("HTTP/3");
    }

    /**
     * Whether the client's TE header values (lists allowed) say it takes trailers. TE is hop-by-hop, but an HTTP/2
     * client sends it to say so, and gRPC servers check it to detect proxies that would lose them: a front end passes
     * {@code TE: trailers} on when this is true, as it passes the response's trailers back.
     */
    public static boolean asked(Enumeration<String> te) {
        while (te != null && te.hasMoreElements()) {
            for (String value : te.nextElement().split(",")) {
                if (value.trim().equalsIgnoreCase(TE_TRAILERS)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The backend's trailers without hop-by-hop fields; null when there are none to pass. */
    public static HttpFields passed(HttpFields fromBackend) {
        if (fromBackend == null || fromBackend.size() == 0) {
            return null;
        }
        HttpFields.Mutable passed = HttpFields.build(fromBackend.size());
        for (HttpField field : fromBackend) {
            if (!ProxyHeaders.hopByHop(field, fromBackend)) {
                passed.add(field);
            }
        }
        return passed;
    }
}
