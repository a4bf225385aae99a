package dev.balancer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.BalancerProcess;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar with {@code discovery=dns} in front of loopback pods, its DNS a hosts file given with
 * {@code -Djdk.net.hosts.file} and rewritten as pods come and go. Nothing else tells the balancer about the pods,
 * and the JVM's DNS cache is left at its default: Balancer has to make it step aside by itself.
 */
class DnsDiscoveryIT {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /**
     * One interval, plus time for a loaded machine (CI shares two cores) to schedule the resolution and the request.
     * Far below the 30 s the JVM's own DNS cache would add if Balancer left it on.
     */
    private static final Duration WITHIN_ONE_INTERVAL = INTERVAL.plusSeconds(4);

    @TempDir
    Path dir;
    private Pods pods;
    private final ExecutorService clients = Executors.newFixedThreadPool(4);

    @BeforeEach
    void pods() throws Exception {
        pods = new Pods(dir.resolve("hosts"));
    }

    @AfterEach
    void stop() throws Exception {
        clients.shutdownNow();
        pods.close();
    }

    private BalancerProcess balancer(String... extra) {
        List<String> args = new ArrayList<>(List.of("--discovery=dns", "--discoveryHost=" + Pods.SERVICE,
                "--discoveryPort=" + pods.port(), "--discoveryInterval=" + INTERVAL.toMillis() + "ms"));
        args.addAll(List.of(extra));
        return BalancerProcess.startJar(dir, List.of("-Djdk.net.hosts.file=" + dir.resolve("hosts")), args.toArray(String[]::new))
                .awaitListening();
    }

    private static String podOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body().split(" ")[0];
    }

    @Test
    void scaleUpFromTwoToThreePodsGivesTheNewPodTrafficWithinOneInterval() throws Exception {
        pods.start(2);
        pods.start(3);
        TestBackend third = pods.start(4);
        pods.publish(2, 3);
        try (BalancerProcess balancer = balancer()) {
            for (int i = 0; i < 20; i++) {
                assertThat(podOf(Http.get(balancer.url() + "/before"))).isIn("pod-2", "pod-3");
            }
            assertThat(balancer.log()).contains("JVM DNS cache: networkaddress.cache.ttl=0");

            pods.publish(2, 4, 3);
            long published = System.nanoTime();
            await().atMost(WITHIN_ONE_INTERVAL).pollInterval(Duration.ofMillis(10))
                    .until(() -> podOf(Http.get(balancer.url() + "/after")).equals("pod-4"));
            long millis = (System.nanoTime() - published) / 1_000_000;
            System.out.printf("scale 2 -> 3: the new pod got its first request %d ms after DNS changed (interval %d ms)%n",
                    millis, INTERVAL.toMillis());
            assertThat(third.requests("/after")).isEqualTo(1);
            assertThat(balancer.log()).contains("my-app now resolves to 3 addresses: added [" + Pods.url(4, pods.port()) + "]");
        }
    }

    @Test
    void scaleDownFromThreeToOnePodUnderFourClientsFailsNoRequestAndLetsInFlightOnesFinish() throws Exception {
        TestBackend kept = pods.start(2);
        TestBackend leaving1 = pods.start(3);
        TestBackend leaving2 = pods.start(4);
        pods.publish(2, 3, 4);
        for (TestBackend pod : List.of(kept, leaving1, leaving2)) {
            pod.delay(2); // requests overlap, so some are in flight at every moment
        }
        // retries=0: a request sent to a pod that is gone would fail, not be retried elsewhere.
        try (BalancerProcess balancer = balancer("--retries=0")) {
            // One slow request held on each pod (round robin, nothing else running yet).
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(Http.CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(balancer.url() + "/hold")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> kept.holding() + leaving1.holding() + leaving2.holding() == 3);
            assertThat(List.of(kept.holding(), leaving1.holding(), leaving2.holding())).containsOnly(1);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger failures = new AtomicInteger();
            Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
            List<AtomicLong> completed = new ArrayList<>();
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                AtomicLong done = new AtomicLong();
                completed.add(done);
                int client = c;
                loops.add(clients.submit(() -> {
                    for (int i = 0; i < 50_000 && running.get(); i++) { // bounded; normally stopped far earlier
                        try {
                            HttpResponse<String> response = Http.get(balancer.url() + "/load?client=" + client);
                            if (response.statusCode() == 200) {
                                served.computeIfAbsent(response.body().split(" ")[0], p -> new AtomicInteger()).incrementAndGet();
                            } else {
                                failures.incrementAndGet();
                                System.out.println("failed: " + response.statusCode() + " " + response.body());
                            }
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            System.out.println("failed: " + e);
                        }
                        done.incrementAndGet();
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> served.size() == 3 && completed.stream().allMatch(n -> n.get() > 20));

            pods.publish(2);
            balancer.awaitLog("my-app now resolves to 1 addresses", WITHIN_ONE_INTERVAL);
            // The new snapshot is published. Once every client has finished a request begun after this point, no
            // request picked from the old snapshot can still be on its way to a leaving pod.
            long[] seen = completed.stream().mapToLong(AtomicLong::get).toArray();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (int c = 0; c < seen.length; c++) {
                    if (completed.get(c).get() < seen[c] + 2) {
                        return false;
                    }
                }
                return true;
            });
            int leftOn1 = leaving1.requests("/load");
            int leftOn2 = leaving2.requests("/load");

            // The requests that were in flight on the leaving pods when they left DNS still finish.
            for (TestBackend pod : List.of(kept, leaving1, leaving2)) {
                pod.release();
            }
            assertThat(held.stream().map(CompletableFuture::join).map(DnsDiscoveryIT::podOf))
                    .containsExactlyInAnyOrder("pod-2", "pod-3", "pod-4");
            // Now the pods really go away, as Kubernetes ends them after their grace period.
            leaving1.stop();
            leaving2.stop();
            long[] afterStop = completed.stream().mapToLong(AtomicLong::get).toArray();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (int c = 0; c < afterStop.length; c++) {
                    if (completed.get(c).get() < afterStop[c] + 50) {
                        return false;
                    }
                }
                return true;
            });
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get();
            }
            long total = completed.stream().mapToLong(AtomicLong::get).sum();
            System.out.printf("scale 3 -> 1: %d requests from 4 clients, %d failed; served %s%n", total, failures.get(), served);
            assertThat(failures.get()).isZero();
            assertThat(leaving1.requests("/load")).isEqualTo(leftOn1);
            assertThat(leaving2.requests("/load")).isEqualTo(leftOn2);
            assertThat(total).isGreaterThan(200);
        }
    }

    @Test
    void whenDnsFailsTheLastGoodSetStaysAndAFixedAnswerIsPickedUp() throws Exception {
        TestBackend first = pods.start(2);
        TestBackend second = pods.start(3);
        TestBackend later = pods.start(4);
        pods.publish(2, 3);
        try (BalancerProcess balancer = balancer()) {
            pods.publish(); // the name stops resolving
            balancer.awaitLog("keeping the last good set of 2 backends", WITHIN_ONE_INTERVAL);
            for (int i = 0; i < 20; i++) {
                assertThat(podOf(Http.get(balancer.url() + "/during"))).isIn("pod-2", "pod-3");
            }
            assertThat(first.requests("/during")).isEqualTo(10);
            assertThat(second.requests("/during")).isEqualTo(10);

            // DNS answers again, now with a third pod: no cached failure may hide it.
            pods.publish(3, 2, 4);
            await().atMost(WITHIN_ONE_INTERVAL).pollInterval(Duration.ofMillis(10))
                    .until(() -> podOf(Http.get(balancer.url() + "/after")).equals("pod-4"));
            assertThat(later.requests("/after")).isEqualTo(1);
        }
    }
}
