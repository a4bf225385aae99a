package dev.balancer.testing;

import dev.balancer.BalancingProxyServlet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The real servlet in a real Jetty on an ephemeral loopback port, configured through init-params like in web.xml. */
public final class TestBalancer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final BalancingProxyServlet servlet = new BalancingProxyServlet();

    public TestBalancer(Map<String, String> initParams) throws Exception {
        this(initParams, "/*");
    }

    public TestBalancer(Map<String, String> initParams, String mapping) throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder("balancer", servlet);
        holder.setAsyncSupported(true);
        holder.setInitParameters(initParams);
        holder.setInitOrder(1);
        context.addServlet(holder, mapping);
        context.getServletHandler().setStartWithUnavailable(false);
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            server.stop(); // a servlet that cannot start fails the start: release the port anyway
            throw e;
        }
        jakarta.servlet.UnavailableException failure = holder.getUnavailableException();
        if (failure != null) {
            server.stop();
            throw failure;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    public int port() {
        return connector.getLocalPort();
    }

    public BalancingProxyServlet servlet() {
        return servlet;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
