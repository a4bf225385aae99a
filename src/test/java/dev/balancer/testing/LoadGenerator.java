package dev.balancer.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends real HTTP load through a balancer and measures it: each request's latency and which backend answered (the
 * {@code X-Backend} header of {@link TestBackend}). Every run is bounded by its request count and a deadline.
 */
public final class LoadGenerator {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private LoadGenerator() {}

    /**
     * What a run measured.
     *
     * @param latencyNanos every measured request's latency, ascending (read only)
     * @param byBackend    answers per backend name
     * @param failures     requests that got no 200
     */
    public record Result(long[] latencyNanos, Map<String, Integer> byBackend, int failures) {
        public int requests() {
            return latencyNanos.length;
        }

        /** The fraction of answers that came from this backend. */
        public double share(String backend) {
            return byBackend.getOrDefault(backend, 0) / (double) requests();
        }

        /** The latency below which {@code percent}% of requests finished (nearest rank), in milliseconds. */
        public double percentileMillis(double percent) {
            int rank = (int) Math.ceil(percent / 100 * latencyNanos.length);
            return latencyNanos[Math.max(0, rank - 1)] / 1e6;
        }

        @Override
        public String toString() {
            return String.format("%d requests, p50 %.1f ms, p99 %.1f ms, by backend %s, %d failed",
                    requests(), percentileMillis(50), percentileMillis(99), byBackend, failures);
        }
    }

    /**
     * Open loop: requests start at a steady rate whatever the answers' speed, as from many independent users, so a
     * slow backend cannot slow the arrivals down and queues show. The first {@code warmup} requests are sent but not
     * measured: the JVM and the balancer reach their steady state, as in a balancer that has been running. Request
     * {@code i} goes to {@code url/i}.
     */
    public static Result paced(String url, int perSecond, int warmup, int measured) throws Exception {
        int total = warmup + measured;
        List<CompletableFuture<Sample>> samples = new ArrayList<>(total);
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch allSent = new CountDownLatch(1);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try {
            // One ticker thread adds to the list; the latch publishes it to this thread, and later ticks do nothing.
            ticker.scheduleAtFixedRate(() -> {
                int i = sent.getAndIncrement();
                if (i < total) {
                    samples.add(send(url + "/" + i));
                    if (i == total - 1) {
                        allSent.countDown();
                    }
                }
            }, 0, 1_000_000_000L / perSecond, TimeUnit.NANOSECONDS);
            if (!allSent.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not send " + total + " requests within " + DEADLINE);
            }
        } finally {
            ticker.shutdownNow();
        }
        CompletableFuture.allOf(samples.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        return result(samples.subList(warmup, total).stream().map(CompletableFuture::join).toList());
    }

    /** Closed loop: {@code clients} clients, each sending its share of {@code requests} one after the other. */
    public static Result closedLoop(String url, int clients, int requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Sample>>> perClient = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int count = requests / clients + (c < requests % clients ? 1 : 0);
                perClient.add(pool.submit(() -> {
                    List<Sample> mine = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        mine.add(send(url).get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
                    }
                    return mine;
                }));
            }
            List<Sample> all = new ArrayList<>(requests);
            for (Future<List<Sample>> client : perClient) {
                all.addAll(client.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            }
            return result(all);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One request's outcome: its latency and the backend that answered, or null when it failed. */
    private record Sample(long nanos, String backend) {}

    private static CompletableFuture<Sample> send(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(DEADLINE).build();
        long start = System.nanoTime();
        return Http.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> new Sample(System.nanoTime() - start,
                        response != null && response.statusCode() == 200
                                ? response.headers().firstValue("X-Backend").orElse(null) : null));
    }

    private static Result result(List<Sample> samples) {
        long[] latencies = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
        Map<String, Integer> byBackend = new HashMap<>();
        int failures = 0;
        for (Sample sample : samples) {
            if (sample.backend() == null) {
                failures++;
            } else {
                byBackend.merge(sample.backend(), 1, Integer::sum);
            }
        }
        return new Result(latencies, Map.copyOf(byBackend), failures);
    }
}
