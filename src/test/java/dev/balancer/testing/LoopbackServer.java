package dev.balancer.testing;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A Jetty core server on an ephemeral 127.0.0.1 port, for a test whose backend is one {@link Handler}: configure
 * {@link #server()} or {@link #connector()} if needed, then {@link #start}.
 */
public final class LoopbackServer implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    public LoopbackServer() {
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
    }

    public Server server() {
        return server;
    }

    public ServerConnector connector() {
        return connector;
    }

    public LoopbackServer start(Handler handler) throws Exception {
        server.setHandler(handler);
        server.start();
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
