package dev.balancer.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command (by default {@code java -jar target/balancer.jar}) run as its own process, with its output in a log file.
 * {@link #close()} kills it if it is still running, so a test can use it in try-with-resources.
 */
public final class BalancerProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target/balancer.jar").toAbsolutePath();

    private final Process process;
    private final Path log;
    private final int port;

    private BalancerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code java [jvmOptions] -jar target/balancer.jar --host=127.0.0.1 --port=FREE [args]}. */
    public static BalancerProcess startJar(Path dir, List<String> jvmOptions, String... args) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString(), "--host=127.0.0.1", "--port=" + port));
        command.addAll(List.of(args));
        return start(dir, command, Map.of(), port);
    }

    /** Any command line; {@code port} is where it is expected to listen. */
    public static BalancerProcess start(Path dir, List<String> command, Map<String, String> environment, int port) {
        Path log = dir.resolve("balancer-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BALANCER_"));
        builder.environment().putAll(environment);
        try {
            return new BalancerProcess(builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the "listening on" line; fails early, with the log, if the process died. */
    public BalancerProcess awaitListening() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("balancer exited with " + process.exitValue() + ":\n" + log());
            }
            return log().contains("listening on http://127.0.0.1:" + port);
        });
        return this;
    }

    public void awaitLog(String text, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> log().contains(text));
    }

    /** SIGTERM, as Kubernetes and docker stop send it. */
    public void sigterm() {
        process.destroy();
    }

    /** SIGHUP, which makes the jar reload its configuration. */
    public void sighup() throws IOException, InterruptedException {
        int status = new ProcessBuilder("kill", "-HUP", String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (status != 0) {
            throw new AssertionError("kill -HUP " + process.pid() + " exited with " + status);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end and returns its exit status. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("balancer still running after " + atMost + ":\n" + log());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
