package dev.balancer.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when the content of the {@code config} file changes ({@code configWatch=true}), checked every 2 s.
 *
 * <p>Why polling rather than a {@code WatchService}: Kubernetes updates a mounted ConfigMap by pointing the
 * {@code ..data} symlink at a new timestamped directory; {@code balancer.properties} is a symlink through
 * {@code ..data} whose own entry never changes, so a watch on its directory sees events only for {@code ..data}
 * (and a watch on the target directory dies with it), and on macOS the JDK's WatchService polls anyway. Mtimes do
 * not help either: the link keeps its own, and a copied file may keep the old one. Reading a small file every 2 s
 * through all its links and comparing the bytes sees every kind of update, whatever the file system does.
 */
public final class ConfigFileWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileWatch.class);
    public static final Duration EVERY = Duration.ofSeconds(2);

    private final Path file;
    private final Runnable onChange;
    private final ScheduledExecutorService timer;
    /** The content last seen, null when unreadable; touched by the timer thread only. */
    private byte[] seen;

    private ConfigFileWatch(Path file, Runnable onChange, String name) {
        this.file = file;
        this.onChange = onChange;
        this.seen = content(file);
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "balancer-config-watch-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts checking {@code file} every {@code every}; the content now is the baseline. */
    public static ConfigFileWatch start(String file, Duration every, Runnable onChange, String name) {
        ConfigFileWatch watch = new ConfigFileWatch(Path.of(file), onChange, name);
        watch.timer.scheduleWithFixedDelay(watch::check, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
        LOG.info("[{}] watching config file {} for changes every {} ms", name, file, every.toMillis());
        return watch;
    }

    /** One check. Never throws: an exception would silently cancel the periodic task. */
    private void check() {
        try {
            byte[] now = content(file);
            if (now == null || Arrays.equals(now, seen)) {
                // Unreadable (mid-update, or removed): keep the configuration in use; the next change is seen.
                return;
            }
            seen = now;
            onChange.run();
        } catch (RuntimeException e) {
            LOG.error("config file watch of {} failed", file, e);
        }
    }

    private static byte[] content(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
