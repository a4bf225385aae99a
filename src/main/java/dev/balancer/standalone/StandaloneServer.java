package dev.balancer.standalone;

import dev.balancer.Balancer;
import dev.balancer.ConfigReload;
import dev.balancer.handler.BalancingProxyHandler;
import dev.balancer.admin.AdminServlet;
import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigSources;
import dev.balancer.config.ServerSettings;
import dev.balancer.config.TlsSettings;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Balancer on an embedded Jetty: a clear connector (HTTP/1.1, and h2c when asked), an HTTPS one beside it when a
 * certificate is configured (HTTP/2 and HTTP/1.1 by ALPN); requests go to Jetty's core proxy handler running the balancing
 * core ({@link BalancingProxyHandler}), those under the admin path to the admin servlet behind it.
 */
public final class StandaloneServer {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneServer.class);

    /** How the shutdown delay is waited out; tests end it when they choose (a clock seam, nothing more). */
    interface Pause {
        void await(Duration delay) throws InterruptedException;
    }

    /**
     * Request bodies reach the backend in chunks of at most this size. With Jetty's default 8 KiB a 1 GB upload ran
     * at 0.48x direct; 64 KiB 0.76x, 128 KiB 0.91x, 256 KiB 0.95x (bench/large-bodies.sh). A connection holds its
     * input buffer only while data arrives, so idle keep-alive connections cost nothing for it.
     */
    static final int INPUT_BUFFER = 128 * 1024;

    private final ServerSettings settings;
    private final Server server;
    private final ServerConnector connector;
    /** Null when HTTPS is off. */
    private final ServerConnector tlsConnector;
    private final ServerTls tls;
    private final Balancer balancer;
    /** Null until {@link #reloading}; closed when the stop begins. */
    private volatile ConfigReload reload;

    /** Set once a stop began; guarded by this. */
    private boolean shutDown;

    /** @throws dev.balancer.config.ConfigException when the strategy cannot be created */
    public StandaloneServer(BalancerConfig config) {
        this.settings = config.server();
        // Proxying is asynchronous end to end, so threads only run work, never wait on backends. Jetty needs a few for
        // itself (acceptor, the server's and the client's selector); beyond those, two per CPU. Fewer threads, fewer
        // lock hand-offs and context switches: on one core (bench harness) 6 threads served 19-25k req/s where 8 served
        // 11-17k and 16 served 12k; Jetty's default of 200 made the servlet proxy's p99 three times worse.
        // The HTTPS connector needs an acceptor and a selector of its own.
        TlsSettings tlsSettings = config.tls();
        int size = 4 + 2 * Runtime.getRuntime().availableProcessors() + (tlsSettings.enabled() ? 2 : 0);
        QueuedThreadPool threads = new QueuedThreadPool(size, size);
        threads.setName("balancer");
        // Jetty's default pool keeps buffers up to 64 KiB; a larger input buffer was allocated (direct, zeroed) and
        // dropped on every read, and the JVM's direct-memory limit then forced a full GC several times a second:
        // 13.5k req/s instead of 27k on the bench. The largest bucket here holds the input buffer.
        server = new Server(threads, null, new ArrayByteBufferPool(0, -1, INPUT_BUFFER));

        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(config.limits().maxRequestHeaderSize());
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        long idle = config.timeouts().idle().toMillis();
        connector = Listeners.clear(server, http, settings.h2c());
        Listeners.bind(connector, settings.host(), settings.port(), idle);

        if (tlsSettings.enabled()) {
            tls = new ServerTls(tlsSettings);
            server.addBean(tls);
            tlsConnector = Listeners.tls(server, http, tls.factory(), tlsSettings.httpsPort());
            Listeners.bind(tlsConnector, settings.host(), tlsSettings.httpsPort(), idle);
        } else {
            tls = null;
            tlsConnector = null;
        }

        balancer = new Balancer("balancer", config, StandaloneServer.class.getClassLoader());
        ServletContextHandler admin = new ServletContextHandler("/");
        admin.addServlet(new ServletHolder("admin", new AdminServlet(balancer.admin())), "/*");

        if (tls != null) {
            balancer.admin().certificateExpiry(tls::notAfter);
        }
        Handler handler = new Handler.Sequence(new BalancingProxyHandler(balancer), admin);
        if (tlsSettings.redirectToHttps()) {
            handler = new HttpsRedirect(handler, config.admin().path() + "/health", this::httpsPort);
        }
        // Stopping is graceful: the connectors stop accepting, in-flight requests get shutdownTimeout to finish, and
        // HTTP/2 connections get a GOAWAY.
        server.setHandler(new GracefulHandler(handler));
        server.setStopTimeout(settings.shutdownTimeout().toMillis());
        // Not Jetty's own shutdown hook: it would close the connector at once, without the shutdown delay.
        server.setStopAtShutdown(false);
    }

    /** Starts listening; fails (and stops again) when something could not start. */
    public StandaloneServer start() throws Exception {
        try {
            server.start();
        } catch (Exception e) {
            server.stop(); // release the port
            throw e;
        }
        return this;
    }

    /**
     * Lets the configuration be reloaded ({@code SIGHUP}, and with {@code configWatch=true} file changes).
     *
     * @param started the sources this server's configuration came from
     * @param sources builds them afresh, rereading the {@code config} file
     */
    public ConfigReload reloading(ConfigSources started, Supplier<ConfigSources> sources) {
        reload = new ConfigReload(balancer, started, sources, StandaloneServer.class.getClassLoader()).watch();
        return reload;
    }

    /** Stops without the shutdown delay (in-flight requests still get shutdownTimeout). */
    public synchronized void stop() throws Exception {
        shutDown = true;
        stopReloading();
        balancer.beginShutdown();
        stopServer();
    }

    /**
     * Jetty's graceful stop waits up to {@code shutdownTimeout} for every connection, open streams and WebSocket
     * tunnels included; then it closes them, finishes stopping and reports the overrun as a TimeoutException. The
     * server is stopped either way: that is a line in the log, not a failed stop.
     */
    private void stopServer() throws Exception {
        try {
            server.stop();
        } catch (TimeoutException e) {
            LOG.warn("Connections still open after shutdownTimeout {} ms were closed", settings.shutdownTimeout().toMillis());
        }
    }

    /**
     * What SIGTERM does: readiness turns 503 at once while traffic is still served for {@code shutdownDelay}, so
     * Kubernetes (or any load balancer) takes this instance out of its endpoints first; then the connector stops
     * accepting and in-flight requests get up to {@code shutdownTimeout} to finish. Idempotent; a second caller
     * waits until the first is done.
     */
    public void shutdownGracefully() throws Exception {
        shutdownGracefully(delay -> Thread.sleep(delay.toMillis()));
    }

    synchronized void shutdownGracefully(Pause pause) throws Exception {
        if (shutDown) {
            return;
        }
        shutDown = true;
        stopReloading();
        balancer.beginShutdown();
        LOG.info("Stopping: still serving for shutdownDelay {} ms, then closing the listener; in-flight requests get up to {} ms",
                settings.shutdownDelay().toMillis(), settings.shutdownTimeout().toMillis());
        try {
            pause.await(settings.shutdownDelay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopServer();
        LOG.info("Stopped");
    }

    private void stopReloading() {
        if (reload != null) {
            reload.close();
        }
    }

    public void join() throws InterruptedException {
        server.join();
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The HTTPS port; -1 when HTTPS is off. */
    public int httpsPort() {
        return tlsConnector == null ? -1 : tlsConnector.getLocalPort();
    }

    public Balancer balancer() {
        return balancer;
    }

    /** The HTTPS listener's certificate; null when HTTPS is off. */
    ServerTls tls() {
        return tls;
    }

    /** The buffers both the server and the backend client draw from. */
    ByteBufferPool bufferPool() {
        return server.getByteBufferPool();
    }
}
