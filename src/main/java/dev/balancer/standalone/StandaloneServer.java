package dev.balancer.standalone;

import dev.balancer.BalancingProxyServlet;
import dev.balancer.config.BalancerConfig;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Balancer on an embedded Jetty: one connector, the balancing servlet at {@code /*}. */
public final class StandaloneServer {
    private final Server server;
    private final ServerConnector connector;
    private final BalancingProxyServlet servlet;
    private final ServletHolder holder;

    public StandaloneServer(BalancerConfig config) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("balancer");
        server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(config.maxRequestHeaderSize());
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        server.addConnector(connector);

        servlet = new BalancingProxyServlet(config);
        ServletContextHandler context = new ServletContextHandler("/");
        holder = new ServletHolder("balancer", servlet);
        holder.setAsyncSupported(true);
        holder.setInitOrder(1);
        context.addServlet(holder, "/*");
        context.getServletHandler().setStartWithUnavailable(false);

        server.setHandler(new GracefulHandler(context));
        server.setStopTimeout(config.shutdownTimeout().toMillis());
        server.setStopAtShutdown(true);
    }

    /** Starts listening; fails (and stops again) when the servlet could not start. */
    public StandaloneServer start() throws Exception {
        try {
            server.start();
        } catch (Exception e) {
            server.stop(); // the servlet refused to start (see BalancingProxyServlet.init): release the port
            throw e;
        }
        jakarta.servlet.UnavailableException failure = holder.getUnavailableException();
        if (failure != null) {
            server.stop();
            throw failure;
        }
        return this;
    }

    public void stop() throws Exception {
        server.stop();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    public int port() {
        return connector.getLocalPort();
    }

    public BalancingProxyServlet servlet() {
        return servlet;
    }
}
