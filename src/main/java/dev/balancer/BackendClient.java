package dev.balancer;

import java.net.URI;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.client.transport.HttpConversation;
import org.eclipse.jetty.io.ClientConnector;

/**
 * The HTTP client to the backends, for both front ends: Jetty's, with requests whose deadline follows the exchange
 * ({@link BackendRequest}), so a response timeout costs no timer of its own.
 */
public final class BackendClient extends HttpClient {

    /** @param selectors selector threads of the client's connector */
    public BackendClient(int selectors) {
        super(new HttpClientTransportOverHTTP(connector(selectors)));
    }

    private static ClientConnector connector(int selectors) {
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(selectors);
        return connector;
    }

    @Override
    public Request newRequest(URI uri) {
        return new BackendRequest(this, new HttpConversation(), uri);
    }
}
