package dev.balancer.testing;

import dev.balancer.ConfigReload;
import dev.balancer.backend.BackendPool;
import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigSources;
import dev.balancer.servlet.BalancingProxyServlet;
import dev.balancer.standalone.StandaloneServer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real balancer on an ephemeral loopback port, configured through init-params like in web.xml, served by the
 * given front end: the servlet in a real Jetty servlet context (as in the WAR), or the runnable jar's server with
 * Jetty's core proxy. Test classes get the front end from {@link ThroughBothFrontEnds}.
 */
public final class TestBalancer implements AutoCloseable {
    private final FrontEnd frontEnd;

    private final Server server;
    private final ServerConnector connector;
    private final BalancingProxyServlet servlet;
    private final StandaloneServer standalone;
    /** The handler's reload; the servlet has its own. */
    private final ConfigReload reload;

    public TestBalancer(FrontEnd frontEnd, Map<String, String> initParams) throws Exception {
        this(frontEnd, initParams, "/*");
    }

    /** @param mapping the servlet's mapping; the handler has none, it serves everything */
    public TestBalancer(FrontEnd frontEnd, Map<String, String> initParams, String mapping) throws Exception {
        this.frontEnd = frontEnd;
        if (frontEnd == FrontEnd.HANDLER) {
            if (!"/*".equals(mapping)) {
                throw new IllegalArgumentException("the handler front end has no servlet mapping: " + mapping);
            }
            Map<String, String> values = new HashMap<>(initParams);
            values.put("host", "127.0.0.1");
            values.put("port", "0");
            Supplier<ConfigSources> sources = () -> new ConfigSources().add("init-param", values, true).withConfigFile(1);
            ConfigSources started = sources.get();
            standalone = new StandaloneServer(BalancerConfig.from(started)).start();
            reload = standalone.reloading(started, sources);
            server = null;
            connector = null;
            servlet = null;
            return;
        }
        standalone = null;
        reload = null;
        servlet = new BalancingProxyServlet();
        server = new Server();
        // h2c is the jar's key; for the servlet it stands for a container that speaks h2c on its connector too.
        connector = "true".equals(initParams.get("h2c"))
                ? new ServerConnector(server, new HttpConnectionFactory(), new HTTP2CServerConnectionFactory())
                : new ServerConnector(server);
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
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return standalone != null ? standalone.port() : connector.getLocalPort();
    }

    public BackendPool pool() {
        return standalone != null ? standalone.balancer().pool() : servlet.pool();
    }

    /** Reads the configuration (init-params and the {@code config} file) again, as SIGHUP or a file change does. */
    public ConfigReload.Outcome reload() {
        return standalone != null ? reload.reload() : servlet.reload();
    }

    /** Readiness turns 503 from now on, as on SIGTERM or when the container stops the servlet. */
    public void beginShutdown() {
        if (standalone != null) {
            standalone.balancer().beginShutdown();
        } else {
            servlet.beginShutdown();
        }
    }

    /** The servlet; only for tests of the servlet's own lifecycle, which run it whatever the front end. */
    public BalancingProxyServlet servlet() {
        if (servlet == null) {
            throw new IllegalStateException("this balancer runs the " + frontEnd + " front end, not the servlet");
        }
        return servlet;
    }

    @Override
    public void close() throws Exception {
        if (standalone != null) {
            standalone.stop();
        } else {
            server.stop();
        }
    }
}
