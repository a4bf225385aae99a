package dev.balancer.admin;

import dev.balancer.backend.Backend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The last few minutes of each backend, for the status page's charts: every {@link #INTERVAL} one sample of
 * requests per second, error rate and p99 latency, at most {@link #SAMPLES} per backend (5 minutes), in memory.
 * Samples are differences of the counters the metrics keep anyway, so the request path does no extra work; a
 * backend that leaves the pool loses its history.
 */
final class History {
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final int SAMPLES = 60;

    /**
     * One interval of one backend.
     *
     * @param rps       attempts per second that ended in the interval
     * @param errorRate the share of those that failed or answered 5xx; null without attempts
     * @param p99Ms     p99 latency over the minute before the sample; null without attempts in that minute
     */
    record Sample(Instant at, double rps, Double errorRate, Double p99Ms) {}

    /** Counters at the last sample, to take differences from. */
    private record Totals(long requests, long errors) {}

    private final PoolTelemetry telemetry;
    private final Clock clock;
    /** Guarded by this; in pool order. */
    private final Map<String, Deque<Sample>> samples = new LinkedHashMap<>();
    private final Map<Backend, Totals> last = new LinkedHashMap<>();

    History(PoolTelemetry telemetry, Clock clock) {
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** Samples every {@link #INTERVAL} on the proxy client's scheduler, until it stops. */
    void start(Scheduler scheduler) {
        scheduler.schedule(() -> {
            sample();
            start(scheduler);
        }, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes one sample of every member; members new since the last one start their history with the next. */
    synchronized void sample() {
        Instant now = clock.instant();
        long nanos = telemetry.nanoTime();
        Map<Backend, Totals> next = new LinkedHashMap<>();
        Map<String, Deque<Sample>> kept = new LinkedHashMap<>();
        for (Backend backend : telemetry.pool().snapshot().members()) {
            BackendStats stats = telemetry.stats(backend);
            if (stats == null) {
                continue;
            }
            Totals totals = totals(stats);
            next.put(backend, totals);
            Deque<Sample> ring = samples.getOrDefault(backend.id(), new ArrayDeque<>());
            Totals before = last.get(backend);
            if (before != null) {
                long requests = totals.requests() - before.requests();
                long errors = totals.errors() - before.errors();
                if (ring.size() == SAMPLES) {
                    ring.removeFirst();
                }
                ring.addLast(new Sample(now, requests / (double) INTERVAL.toSeconds(),
                        requests == 0 ? null : errors / (double) requests, stats.latency(nanos).p99Millis()));
            }
            kept.put(backend.id(), ring);
        }
        samples.clear();
        samples.putAll(kept);
        last.clear();
        last.putAll(next);
    }

    private static Totals totals(BackendStats stats) {
        long requests = 0;
        for (int i = 0; i < StatusClasses.LABELS.length; i++) {
            requests += stats.requests(i);
        }
        return new Totals(requests, stats.requests(5) + stats.requests(StatusClasses.NONE));
    }

    /** {@code {"intervalSeconds":5,"samples":60,"backends":[{"id":..., "samples":[{"at":..., "rps":..., ...}]}]}}. */
    synchronized String toJson() {
        Json json = new Json().beginObject().field("intervalSeconds", INTERVAL.toSeconds()).field("samples", SAMPLES)
                .beginArray("backends");
        samples.forEach((id, ring) -> {
            json.beginObject().field("id", id).beginArray("samples");
            for (Sample sample : ring) {
                json.beginObject().field("at", sample.at().toString()).field("rps", sample.rps())
                        .field("errorRate", sample.errorRate()).field("p99Ms", sample.p99Ms()).endObject();
            }
            json.endArray().endObject();
        });
        return json.endArray().endObject().toString();
    }
}
