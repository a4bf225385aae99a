package dev.balancer.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A servlet container running as its own JVM, its console captured to a file. Stopped the way an operator stops
 * it (SIGTERM, which runs the container's shutdown hook), killed with its whole process tree as a last resort.
 */
final class ContainerProcess implements AutoCloseable {
    private static final Pattern THREAD_NAME = Pattern.compile("^\"([^\"]+)\"", Pattern.MULTILINE);

    private final Process process;
    private final Path console;

    private ContainerProcess(Process process, Path console) {
        this.process = process;
        this.console = console;
    }

    /** Starts a command in a directory with an environment cleaned of any Balancer setting of the machine's own. */
    static ContainerProcess start(List<String> command, Path directory, Map<String, String> environment, Path console)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(console.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().keySet().removeIf(name -> name.startsWith("BALANCER_") || name.startsWith("CATALINA_")
                || name.equals("JAVA_OPTS") || name.equals("JETTY_BASE"));
        builder.environment().putAll(environment);
        ContainerProcess started = new ContainerProcess(builder.start(), console);
        // Should the test JVM end without its @AfterAll (a fork timeout, Ctrl-C), the container goes with it.
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop " + command.get(0)));
        return started;
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Everything the container printed on stdout and stderr so far. */
    String console() {
        return read(console);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The names of the container JVM's live threads, from a thread dump taken with the JDK's jcmd. */
    List<String> threadNames() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!dump.waitFor(30, TimeUnit.SECONDS) || dump.exitValue() != 0) {
            throw new IllegalStateException("jcmd Thread.print failed: " + text);
        }
        Matcher names = THREAD_NAME.matcher(text);
        return names.results().map(m -> m.group(1)).collect(Collectors.toList());
    }

    /** SIGTERM, then waits; true when the JVM exited in time. */
    boolean stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String read(Path file) {
        try {
            // Lenient decoding: a container may print in the platform charset.
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
