package dev.balancer.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * A bounded chaos run (loopback only; {@code mvn -B verify -Psoak -Dsoak.minutes=N}, 2 minutes by default): four
 * backends under steady load from GET and POST clients and from clients that hang up mid-download, while every few
 * seconds one backend at a time is killed, hangs, answers 503, or turns ten times slower, then recovers. Reports
 * and asserts: no failed GET while a healthy backend remains, no POST that reached a backend twice, the extra backend
 * load retries caused, and no healthy backend ejected.
 */
class Chaos {
    private static final long MINUTES = Long.getLong("chaos.minutes", 2);
    private static final int BACKENDS = 4;
    private static final long FAULT_MILLIS = 4_000;

    enum Fault { KILLED, HUNG, UNAVAILABLE, SLOW }

    @Test
    void oneBackendMisbehavingAtATime() throws Exception {
        AtomicReferenceArray<TestBackend> backends = new AtomicReferenceArray<>(BACKENDS);
        int[] ports = new int[BACKENDS];
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < BACKENDS; i++) {
            backends.set(i, new TestBackend("b" + i));
            ports[i] = backends.get(i).port();
            urls.add(backends.get(i).url());
        }
        TestBalancer balancer = new TestBalancer(FrontEnd.HANDLER, Map.ofEntries(
                Map.entry("backends", String.join(",", urls)), Map.entry("strategy", "least-latency"),
                Map.entry("retries", "2"), Map.entry("retryOn", "connect-failure,reset,gateway-error"),
                Map.entry("perTryTimeout", "500ms"), Map.entry("responseTimeout", "2s"), Map.entry("maxFails", "3"),
                Map.entry("failTimeout", "3s"), Map.entry("ejectOn5xx", "5"), Map.entry("healthCheckPath", "/health"),
                Map.entry("healthCheckInterval", "1s")));
        String url = balancer.url();
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(MINUTES);
        AtomicLong gets = new AtomicLong();
        AtomicLong posts = new AtomicLong();
        AtomicLong aborts = new AtomicLong();
        List<String> failedGets = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger failedPosts = new AtomicInteger();
        AtomicInteger[] wronglyEjected = {new AtomicInteger()};
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> load = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                load.add(clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            int status = Http.get(url + "/get").statusCode();
                            if (status != 200) {
                                failedGets.add("status " + status);
                            }
                        } catch (RuntimeException e) {
                            failedGets.add(e.toString());
                        }
                        gets.incrementAndGet();
                    }
                }));
            }
            load.add(clients.submit(() -> {
                for (long n = 0; System.nanoTime() < end; n++) {
                    try {
                        int status = Http.send(HttpRequest.newBuilder(URI.create(url + "/order"))
                                .header("X-Request-Id", "post-" + n)
                                .POST(HttpRequest.BodyPublishers.ofString("order " + n)).build()).statusCode();
                        if (status != 200) {
                            failedPosts.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failedPosts.incrementAndGet();
                    }
                    posts.incrementAndGet();
                }
            }));
            load.add(clients.submit(() -> {
                while (System.nanoTime() < end) {
                    hangUpMidDownload(balancer.port());
                    aborts.incrementAndGet();
                }
            }));
            Retired retired = new Retired();
            Map<String, Integer> faults = chaos(backends, ports, end, balancer, wronglyEjected[0], retired);
            for (Future<?> client : load) {
                client.get(1, TimeUnit.MINUTES);
            }

            for (int i = 0; i < BACKENDS; i++) {
                retired.add(backends.get(i));
            }
            long backendRequests = retired.requests;
            int duplicatedPosts = (int) retired.postArrivals.values().stream().filter(count -> count > 1).count();
            AdminClient admin = new AdminClient(url + "/_balancer");
            double retries = admin.metrics().value("balancer_retries_total", Map.of());
            double refused = admin.metrics().value("balancer_retries_refused_total", Map.of());
            long clientRequests = gets.get() + posts.get() + aborts.get();
            System.out.printf("chaos summary: %d minutes, faults %s; %d GETs (%d failed), %d POSTs (%d answered with an"
                            + " error, %d reached a backend twice), %d client hang-ups; backends saw %d requests for %d"
                            + " client requests (%.1f%% extra), %.0f retries, %.0f refused by the budget; healthy backends"
                            + " ejected: %d%n", MINUTES, faults, gets.get(), failedGets.size(), posts.get(), failedPosts.get(),
                    duplicatedPosts, aborts.get(), backendRequests, clientRequests,
                    100.0 * (backendRequests - clientRequests) / clientRequests, retries, refused, wronglyEjected[0].get());
            assertThat(failedGets).as("failed GETs while healthy backends remained").isEmpty();
            assertThat(duplicatedPosts).as("POSTs that reached a backend twice").isZero();
            assertThat(wronglyEjected[0]).as("healthy backends ejected").hasValue(0);
        } finally {
            clients.shutdownNow();
            balancer.close();
            for (int i = 0; i < BACKENDS; i++) {
                backends.get(i).close();
            }
        }
    }

    /** Every few seconds one random backend gets a random fault, then recovers; returns how often each fault ran. */
    private static Map<String, Integer> chaos(AtomicReferenceArray<TestBackend> backends, int[] ports, long end,
                                              TestBalancer balancer, AtomicInteger wronglyEjected, Retired retired)
            throws Exception {
        Random random = new Random(42);
        Map<String, Integer> counts = new java.util.TreeMap<>();
        while (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * FAULT_MILLIS) < end) {
            int victim = random.nextInt(BACKENDS);
            Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
            counts.merge(fault.name().toLowerCase(), 1, Integer::sum);
            TestBackend backend = backends.get(victim);
            switch (fault) {
                case KILLED -> backend.stop();
                case HUNG -> backend.delay(3_000);
                case UNAVAILABLE -> backend.failWith(503);
                case SLOW -> backend.delay(20);
            }
            pause(FAULT_MILLIS);
            switch (fault) {
                case KILLED -> {
                    retired.add(backend); // what the killed instance saw still counts
                    backends.set(victim, new TestBackend("b" + victim, "127.0.0.1", ports[victim]));
                }
                case HUNG, SLOW -> backend.delay(0);
                case UNAVAILABLE -> backend.failWith(0);
            }
            pause(FAULT_MILLIS);
            // Between faults every backend behaves: none of them may be ejected now for long (at most failTimeout).
            balancer.pool().snapshot().members().forEach(member -> {
                var state = balancer.pool().snapshot().state(member);
                if (state.status().name().equals("EJECTED") && state.since().isBefore(java.time.Instant.now().minusSeconds(4))) {
                    wronglyEjected.incrementAndGet();
                }
            });
        }
        return counts;
    }

    /** What backend instances saw, summed over the ones killed and replaced and the last ones. */
    private static final class Retired {
        long requests;
        final Map<String, Integer> postArrivals = new java.util.HashMap<>();

        void add(TestBackend backend) {
            requests += backend.requests();
            backend.requestIds().forEach((id, count) -> {
                if (id.startsWith("post-")) {
                    postArrivals.merge(id, count.get(), Integer::sum);
                }
            });
        }
    }

    /** A download the client gives up on after a few KiB, resetting the connection as a cancelling browser does. */
    private static void hangUpMidDownload(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoLinger(true, 0);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /bytes/" + (8 << 20) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            in.readNBytes(4096);
        } catch (java.io.IOException e) {
            // the hang-up is the point; an error on the way is one too
        }
    }

    /** The chaos schedule's own pace (not a test's synchronisation). */
    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
