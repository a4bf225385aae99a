package dev.balancer.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A bounded soak of the real jar (its own process): steady GET load from 4 clients while one of three backends goes
 * down and comes back every 30 s. Not part of the default build; run it with
 * {@code mvn -B verify -Psoak -Dsoak.minutes=10}. It asserts zero failed GETs and that heap after a full GC, thread
 * count and open file descriptors stay flat (minute 2 against the end), and prints a line per sample.
 */
class Soak {
    private static final long MINUTES = Long.getLong("soak.minutes", 10);
    private static final Duration FLAP = Duration.ofSeconds(30);

    record Sample(long second, long heapBytes, long threads, long fds, long requests, long failures) {}

    @Test
    void steadyLoadWithAFlappingBackend() throws Exception {
        List<TestBackend> backends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            backends.add(new TestBackend("b" + i));
        }
        int flappingPort = backends.get(2).port();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("soak", ".log");
        Process balancer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", "target/balancer.jar", "--host=127.0.0.1", "--port=" + port, "--shutdownDelay=0s",
                "--maxFails=2", "--failTimeout=5s",
                "--backends=" + String.join(",", backends.stream().map(TestBackend::url).toList()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ExecutorService clients = Executors.newFixedThreadPool(5);
        AtomicLong requests = new AtomicLong();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(MINUTES);
        try {
            String url = "http://127.0.0.1:" + port + "/soak";
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> Http.get(url).statusCode() == 200);
            List<Future<?>> load = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                load.add(clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            int status = Http.get(url).statusCode();
                            if (status != 200) {
                                failures.add("status " + status);
                            }
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                        requests.incrementAndGet();
                    }
                }));
            }
            clients.submit(() -> flap(backends, flappingPort, end));
            List<Sample> samples = new ArrayList<>();
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                await().pollDelay(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(31)).until(() -> true);
                Sample sample = sample(balancer.pid(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), requests.get(), failures.size());
                samples.add(sample);
                System.out.println("soak " + sample);
            }
            for (Future<?> client : load) {
                client.get(1, TimeUnit.MINUTES);
            }
            Sample minuteTwo = samples.stream().filter(s -> s.second() >= 120).findFirst().orElseThrow();
            Sample last = samples.get(samples.size() - 1);
            System.out.printf("soak summary: %d requests, %d failed; heap after full GC %d -> %d KiB; threads %d -> %d; fds %d -> %d%n",
                    last.requests(), failures.size(), minuteTwo.heapBytes() / 1024, last.heapBytes() / 1024,
                    minuteTwo.threads(), last.threads(), minuteTwo.fds(), last.fds());
            assertThat(failures).as("failed GETs").isEmpty();
            assertThat((double) last.heapBytes()).isBetween(minuteTwo.heapBytes() * 0.9, minuteTwo.heapBytes() * 1.1);
            assertThat(last.threads()).isBetween(minuteTwo.threads() - 10, minuteTwo.threads() + 10);
            assertThat(last.fds()).isBetween(minuteTwo.fds() - 20, minuteTwo.fds() + 20);
        } finally {
            clients.shutdownNow();
            balancer.destroy();
            balancer.waitFor(30, TimeUnit.SECONDS);
            for (TestBackend backend : backends) {
                backend.close();
            }
        }
    }

    /** Stops the third backend and starts it again on the same port, every 30 s, until the end. */
    private static void flap(List<TestBackend> backends, int port, long end) {
        try {
            while (System.nanoTime() + FLAP.toNanos() < end) {
                await().pollDelay(FLAP).atMost(FLAP.plusSeconds(1)).until(() -> true);
                TestBackend current = backends.get(2);
                if (current.port() > 0) {
                    current.stop();
                } else {
                    backends.set(2, new TestBackend("b2", "127.0.0.1", port));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Live heap (the class histogram forces a full GC and sums what survived: more exact than "used", which counts
     * whole regions), live threads and open descriptors of the balancer process.
     */
    private static Sample sample(long pid, long second, long requests, long failures) throws IOException, InterruptedException {
        String histogram = run("jcmd", String.valueOf(pid), "GC.class_histogram");
        java.util.regex.Matcher total = java.util.regex.Pattern.compile("Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
        long liveBytes = total.find() ? Long.parseLong(total.group(1)) : -1;
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        long threads = Long.parseLong(status.replaceAll("(?s).*\nThreads:\\s+(\\d+).*", "$1"));
        long fds;
        try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = list.count();
        }
        return new Sample(second, liveBytes, threads, fds, requests, failures);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", command[0]).toString())
                .command(prepend(Path.of(System.getProperty("java.home"), "bin", command[0]).toString(), command))
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static List<String> prepend(String first, String[] rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest).subList(1, rest.length));
        return all;
    }
}
