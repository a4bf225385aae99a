package dev.balancer.handler;

import dev.balancer.Balancer;
import dev.balancer.Exchange;
import dev.balancer.ProxyHeaders;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * WebSocket pass-through for {@link BalancingProxyHandler}: the handshake is proxied like any request, with its
 * Upgrade headers put back; when the backend answers 101 both connections become a {@link WebSocketTunnel}.
 *
 * <p>The hooks are Jetty's own. Backend side: Jetty's client stops parsing at a 101, takes the connection out of
 * its pool and leaves the endpoint in the conversation (as it does for its WebSocket client), so the tunnel takes
 * the endpoint over with {@link EndPoint#upgrade}. Client side: a connection stored in the request attribute
 * {@link HttpStream#UPGRADE_CONNECTION_ATTRIBUTE} replaces Jetty's HTTP/1.1 connection once the 101 is written
 * (Jetty's WebSocket server does the same).
 */
final class WebSocketUpgrades {
    private final Balancer balancer;
    private final Set<WebSocketTunnel> open = ConcurrentHashMap.newKeySet();

    WebSocketUpgrades(Balancer balancer) {
        this.balancer = balancer;
    }

    /** Whether the client asks for a WebSocket tunnel; HTTP/1.1 only (HTTP/2's extended CONNECT is not supported). */
    static boolean requested(Request request) {
        HttpFields headers = request.getHeaders();
        String upgrade = headers.get(HttpHeader.UPGRADE);
        return upgrade != null && request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_1
                && ProxyHeaders.isWebSocketUpgrade(request.getMethod(), upgrade,
                ProxyHeaders.connectionListed(headers.getValues(HttpHeader.CONNECTION.asString())));
    }

    /** The headers that ask the backend to upgrade, which the hop-by-hop rules dropped with the client's. */
    static void addRequestHeaders(HttpFields.Mutable headers) {
        headers.put(HttpHeader.UPGRADE, ProxyHeaders.WEBSOCKET);
        headers.put(HttpHeader.CONNECTION, HttpHeader.UPGRADE.asString());
    }

    /** The backend's 101 goes to the client with its Upgrade, and Connection: Upgrade (both hop-by-hop otherwise). */
    static void addResponseHeaders(HttpFields backend, HttpFields.Mutable toClient) {
        String upgrade = backend.get(HttpHeader.UPGRADE);
        toClient.put(HttpHeader.UPGRADE, upgrade == null ? ProxyHeaders.WEBSOCKET : upgrade);
        toClient.put(HttpHeader.CONNECTION, HttpHeader.UPGRADE.asString());
    }

    /**
     * The backend answered 101: writes the 101 to the client and joins both connections. The callback completes the
     * client's request once the 101 is written (Jetty then swaps the tunnel's end in); if that write fails the
     * tunnel closes at once.
     */
    void tunnel(Exchange exchange, Request request, Response response, org.eclipse.jetty.client.Request proxyRequest,
                Callback callback) {
        EndPoint backend = (EndPoint) ((HttpRequest) proxyRequest).getConversation().getAttribute(EndPoint.class.getName());
        EndPoint client = request.getConnectionMetaData().getConnection().getEndPoint();
        WebSocketTunnel tunnel = new WebSocketTunnel(balancer, exchange, client, backend, request.getComponents().getByteBufferPool(),
                request.getComponents().getExecutor(), open);
        tunnel.upgradeBackend();
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, tunnel.clientEnd());
        response.write(true, null, Callback.from(callback::succeeded, failure -> {
            tunnel.close(failure);
            callback.failed(failure);
        }));
    }

    /** On stop, after {@code shutdownTimeout}: the tunnels still open are closed (both sides see the connection end). */
    void closeAll() {
        for (WebSocketTunnel tunnel : open) {
            tunnel.close(null);
        }
    }
}
