package dev.balancer.handler;

import dev.balancer.ProxyHeaders;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Trailers across the jar's proxy, which gRPC needs: its status (grpc-status, grpc-message) comes in the response's
 * trailers, after the messages. Jetty's ProxyHandler ends a response with an empty last write, which drops them.
 *
 * <p>Only for clients on HTTP/2 (or 3), where trailers are one more HEADERS frame and cost nothing when absent. On
 * HTTP/1.1 a trailers supplier makes Jetty send every response chunked, even one with a Content-Length, and hardly
 * an HTTP/1.1 client reads trailers: there they are still dropped.
 */
final class Trailers {
    private static final String TRAILERS = "trailers";

    private Trailers() {}

    static boolean clientTakesThem(Request request) {
        HttpVersion version = request.getConnectionMetaData().getHttpVersion();
        return version == HttpVersion.HTTP_2 || version == HttpVersion.HTTP_3;
    }

    /**
     * {@code TE: trailers} is hop-by-hop, but an HTTP/2 client sends it to say it takes trailers, and gRPC servers
     * check it to detect proxies that would lose them; passed on when the client said it, as the response's trailers
     * are passed back.
     */
    static void forwardTe(Request request, HttpFields.Mutable toBackend) {
        if (clientTakesThem(request)) {
            for (String value : request.getHeaders().getCSV(HttpHeader.TE, false)) {
                if (value.equalsIgnoreCase(TRAILERS)) {
                    toBackend.put(HttpHeader.TE, TRAILERS);
                    return;
                }
            }
        }
    }

    /** The backend response's trailers, if any, end the client's response; read when its last write goes out. */
    static void passOn(Request request, org.eclipse.jetty.client.Response fromBackend, Response toClient) {
        if (!clientTakesThem(request)) {
            return;
        }
        toClient.setTrailersSupplier(() -> {
            HttpFields trailers = fromBackend.getTrailers();
            if (trailers == null || trailers.size() == 0) {
                return null;
            }
            HttpFields.Mutable passed = HttpFields.build(trailers.size());
            for (HttpField field : trailers) {
                if (!ProxyHeaders.hopByHop(field, trailers)) {
                    passed.add(field);
                }
            }
            return passed;
        });
    }
}
