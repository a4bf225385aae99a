package dev.balancer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * How long each server-sent event of {@link TestBackend}'s {@code /sse/N/MS} took from the backend to the client:
 * the backend puts {@link System#nanoTime()} in each event as it writes and flushes it, the client takes its own as
 * it reads the event. Both run in the test JVM, on the same clock.
 */
public final class EventDelays {
    /** Events are this many intervals late at the median, at most: a proxy that holds them back is far later. */
    private static final int INTERVALS_LATE = 5;

    private final Duration interval;
    private final long[] sent;
    private final long[] arrived;

    private EventDelays(Duration interval, long[] sent, long[] arrived) {
        this.interval = interval;
        this.sent = sent;
        this.arrived = arrived;
    }

    /** The path that makes a {@link TestBackend} send {@code events} events {@code interval} apart. */
    public static String path(int events, Duration interval) {
        return "/sse/" + events + "/" + interval.toMillis();
    }

    /**
     * Reads the {@code events} events of {@link #path(int, Duration)} from a response body, then its end (the backend
     * completes the response after the last one), within 30 s in all.
     */
    public static EventDelays read(InputStream body, int events, Duration interval) throws Exception {
        try {
            return CompletableFuture.supplyAsync(() -> readAll(body, events, interval)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error; // an assertion on what arrived
            }
            throw e;
        }
    }

    private static EventDelays readAll(InputStream body, int events, Duration interval) {
        long[] sent = new long[events];
        long[] arrived = new long[events];
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            int n = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                long now = System.nanoTime();
                if (line.isEmpty()) {
                    continue; // the blank line that ends each event
                }
                assertThat(line).as("event %d", n).startsWith("data: " + n + " ");
                sent[n] = Long.parseLong(line.substring(("data: " + n + " ").length()));
                arrived[n] = now;
                n++;
            }
            assertThat(n).as("events before the stream ended").isEqualTo(events);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EventDelays(interval, sent, arrived);
    }

    private double delayMillis(int event) {
        return (arrived[event] - sent[event]) / 1e6;
    }

    private double[] sortedDelaysMillis() {
        double[] delays = new double[sent.length];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = delayMillis(i);
        }
        Arrays.sort(delays);
        return delays;
    }

    /** The median delay (the lower one of an even count). */
    public double p50Millis() {
        double[] delays = sortedDelaysMillis();
        return delays[(delays.length - 1) / 2];
    }

    public double maxMillis() {
        double[] delays = sortedDelaysMillis();
        return delays[delays.length - 1];
    }

    /** {@code SSE through <what>: 20 events, delay p50 X ms, max Y ms}. */
    public String summary(String through) {
        return String.format(Locale.ROOT, "SSE through %s: %d events, delay p50 %.1f ms, max %.1f ms", through, sent.length,
                p50Millis(), maxMillis());
    }

    /**
     * The events were not held back: the first arrived before the backend even sent the last, and half of them
     * arrived within {@value #INTERVALS_LATE} intervals (250 ms for events 50 ms apart). The events of a stream make
     * far less than any output buffer (20 of them about 500 bytes against Tomcat's 8 KiB, Jetty's 32 KiB): a proxy
     * that does not flush each one delivers them all as the stream ends, the first ones (N - 1) intervals late and
     * the median about N / 2 intervals late. The bound is generous: a stall of a few hundred milliseconds on a busy
     * machine delays a few events, not half of them.
     */
    public void assertNotHeldBack(String through) {
        String delays = summary(through) + "; each: " + Arrays.toString(
                IntStream.range(0, sent.length).mapToLong(i -> Math.round(delayMillis(i))).toArray());
        double sending = (sent[sent.length - 1] - sent[0]) / 1e6;
        assertThat(delayMillis(0)).as("first event's delay, in ms, below the %.0f ms the backend took to send them all,"
                + " so it arrived before the last was sent (%s)", sending, delays).isLessThan(sending);
        assertThat(p50Millis()).as("median delay, in ms, below %d intervals (%s)", INTERVALS_LATE, delays)
                .isLessThan(interval.toMillis() * (double) INTERVALS_LATE);
    }
}
