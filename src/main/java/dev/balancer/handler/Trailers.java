package dev.balancer.handler;

import dev.balancer.ProxyTrailers;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * {@link ProxyTrailers} in the jar's proxy. Jetty's ProxyHandler ends a response with an empty last write, which
 * drops the backend's trailers: a trailers supplier on the client's response puts them back.
 */
final class Trailers {
    private Trailers() {}

    private static boolean clientTakesThem(Request request) {
        return ProxyTrailers.clientTakesThem(request.getConnectionMetaData().getProtocol());
    }

    /** {@code TE: trailers} to the backend when an HTTP/2 client sent it. */
    static void forwardTe(Request request, HttpFields.Mutable toBackend) {
        if (clientTakesThem(request) && ProxyTrailers.asked(request.getHeaders().getValues(HttpHeader.TE.asString()))) {
            toBackend.put(HttpHeader.TE, ProxyTrailers.TE_TRAILERS);
        }
    }

    /** The backend response's trailers, if any, end the client's response; read when its last write goes out. */
    static void passOn(Request request, org.eclipse.jetty.client.Response fromBackend, Response toClient) {
        if (clientTakesThem(request)) {
            toClient.setTrailersSupplier(() -> ProxyTrailers.passed(fromBackend.getTrailers()));
        }
    }
}
