package dev.balancer.containers;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real servlet container, unpacked from its Maven Central distribution into target/containers, run as its own
 * JVM from a fresh base directory under target/container-runs (kept after the run for a look at its logs).
 * Applications are named by their context path without the slash; "" is the root application.
 */
abstract class ServletContainer implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);

    protected final Path home;
    protected final Path base;
    protected int port;
    /** The HTTPS connector's port, for containers that open one ({@link #servesHttps}); 0 otherwise. */
    protected int httpsPort;
    private ContainerProcess process;
    private Duration bootTime;

    ServletContainer(Path home, Path base) {
        this.home = home;
        this.base = base;
        Wars.deleteTree(base);
    }

    /** "Tomcat 11.0.24", "Jetty 12.1.12". */
    abstract String name();

    /** The directory the container deploys WARs from. */
    abstract Path deploymentDirectory();

    /** Where the root application's descriptor lives once {@link #deployRootFromExample} put it there. */
    abstract Path rootDescriptor();

    /**
     * Deploys balancer.war as the root application, configured by the container's own per-application descriptor
     * from examples/ (Tomcat's conf/Catalina/localhost/ROOT.xml, Jetty's webapps/ROOT.xml) with these backends.
     */
    abstract void deployRootFromExample(Path balancerWar, String backends);

    /** Last changes to the base directory once the ports are known. */
    void configure() {}

    /** Whether the container also listens with an HTTPS connector, on {@link #httpsUrl}. */
    boolean servesHttps() {
        return false;
    }

    /** Trusts the HTTPS connector's certificate; only for containers that {@link #servesHttps}. */
    javax.net.ssl.SSLContext clientTls() {
        throw new UnsupportedOperationException(name() + " has no HTTPS connector");
    }

    /** The command that boots the container with these system properties. */
    abstract List<String> command(Map<String, String> systemProperties);

    abstract Map<String, String> environment(Map<String, String> systemProperties);

    /** What the container prints once it serves. */
    abstract String startedMarker();

    /** The container's own log, where a web application's java.util.logging lines end up. */
    abstract String log();

    /** Whether the log says the application's deployment failed. */
    abstract boolean reportsFailedDeployment(String application);

    /** The container's warnings about threads or memory a web application left behind when it stopped. */
    abstract List<String> leakWarnings();

    /** Drops a WAR into the deployment directory: before {@link #start}, or later as a hot deploy. */
    void deploy(String application, Path war) {
        Wars.copyAtomically(war, deploymentDirectory().resolve(warName(application)), base.resolve("staging"));
    }

    /** Removes an application the way an operator would: its WAR or descriptor leaves the deployment directory. */
    void undeploy(String application) {
        Wars.deleteIfExists(application.isEmpty() && rootDescriptor().toFile().exists()
                ? rootDescriptor() : deploymentDirectory().resolve(warName(application)));
    }

    /** Boots on a free loopback port and waits until it serves. */
    void start(Map<String, String> systemProperties) {
        port = freePort();
        httpsPort = servesHttps() ? freePort() : 0;
        configure();
        long started = System.nanoTime();
        try {
            process = ContainerProcess.start(command(systemProperties), base, environment(systemProperties), base.resolve("console.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await().atMost(BOOT_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited during startup:\n" + process.console());
            }
            return process.console().contains(startedMarker());
        });
        bootTime = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("%s booted in %d ms (launch until \"%s\")%n", name(), bootTime.toMillis(), startedMarker());
    }

    Duration bootTime() {
        return bootTime;
    }

    /** {@code http://127.0.0.1:PORT/application} */
    String url(String application) {
        return "http://127.0.0.1:" + port + (application.isEmpty() ? "" : "/" + application);
    }

    /** {@code https://127.0.0.1:HTTPS_PORT/application}: the same application through the HTTPS connector. */
    String httpsUrl(String application) {
        return "https://127.0.0.1:" + httpsPort + (application.isEmpty() ? "" : "/" + application);
    }

    /** Everything the container printed on its console. */
    String console() {
        return process == null ? "" : process.console();
    }

    List<String> threadNames() {
        try {
            return process.threadNames();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops it like an operator (SIGTERM, which runs the container's own shutdown) and waits; true when it exited. */
    boolean stop(Duration timeout) {
        try {
            return process.stop(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    private static String warName(String application) {
        return (application.isEmpty() ? "ROOT" : application) + ".war";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A directory given to the container tests by the build (see the failsafe configuration in pom.xml). */
    static Path buildDirectory(String systemProperty) {
        return Path.of(Wars.required(systemProperty));
    }
}
