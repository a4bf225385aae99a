package dev.balancer;

import java.net.URI;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.client.transport.HttpConversation;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;

/**
 * The HTTP client to the backends, for both front ends: Jetty's, with requests whose deadline follows the exchange
 * ({@link BackendRequest}), so a response timeout costs no timer of its own. For HTTP/2 backends it speaks both
 * versions, each request the version it asks for: HTTP/2 for proxied requests and health probes alike, HTTP/1.1 for
 * WebSocket upgrades, which only HTTP/1.1 can carry here (see {@link Balancer#attemptStarted}).
 */
public final class BackendClient extends HttpClient {
    private final boolean http2;

    /**
     * @param selectors selector threads of the client's connector
     * @param http2     whether backends are spoken to over HTTP/2 ({@code backendProtocol} h2c or h2)
     */
    BackendClient(int selectors, boolean http2) {
        super(transport(selectors, http2));
        this.http2 = http2;
    }

    private static HttpClientTransport transport(int selectors, boolean http2) {
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(selectors);
        if (!http2) {
            return new HttpClientTransportOverHTTP(connector);
        }
        return new HttpClientTransportDynamic(connector, HttpClientConnectionFactory.HTTP11,
                new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)));
    }

    @Override
    public Request newRequest(URI uri) {
        Request request = new BackendRequest(this, new HttpConversation(), uri);
        return http2 ? request.version(HttpVersion.HTTP_2) : request;
    }
}
