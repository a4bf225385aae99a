package dev.balancer.standalone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the configuration (see {@link dev.balancer.ConfigReload}), as nginx and HAProxy do.
 * SIGTERM (what Kubernetes and {@code docker stop} send) starts the graceful stop with its shutdown delay; SIGINT
 * (Ctrl-C at a terminal, where nobody routes traffic away first) stops without the delay. Either way in-flight
 * requests finish and the process exits with status 0. A JVM shutdown hook could drain too, but a JVM ended by a
 * signal always exits 128 + signal (143), which Kubernetes reports as an error; handling the signal keeps the exit
 * clean. The hook stays as the fallback for other ways the JVM is ended (a JVM without {@code sun.misc.Signal}).
 */
final class ShutdownSignals {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    /** A stop; idempotent, so the hook may call it again after a signal already did. */
    interface Stop {
        void run() throws Exception;
    }

    private ShutdownSignals() {}

    static void install(Stop onTerm, Stop onInt, Runnable onHup) {
        handle("TERM", onTerm);
        handle("INT", onInt);
        handle("HUP", onHup::run);
        Runtime.getRuntime().addShutdownHook(new Thread(logged(onTerm), "balancer-shutdown"));
    }

    private static void handle(String name, Stop stop) {
        Runnable action = logged(stop);
        try {
            // sun.misc.Signal lives in jdk.unsupported, which stays open to applications for exactly this use.
            Signal.handle(new Signal(name), signal -> {
                LOG.info("SIG{} received", name);
                action.run();
            });
        } catch (IllegalArgumentException | LinkageError e) {
            LOG.warn("Cannot handle SIG{} ({}); {}", name, e.toString(),
                    name.equals("HUP") ? "reload with configWatch=true instead" : "the shutdown hook stops the server instead");
        }
    }

    private static Runnable logged(Stop stop) {
        return () -> {
            try {
                stop.run();
            } catch (Exception e) {
                LOG.error("Handling the signal failed", e);
            }
        };
    }
}
