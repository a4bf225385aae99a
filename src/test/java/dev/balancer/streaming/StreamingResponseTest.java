package dev.balancer.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.EventDelays;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Responses that stream (server-sent events, long polls) reach the client as the backend sends them. */
@ThroughBothFrontEnds
class StreamingResponseTest {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingResponseTest.class);

    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    StreamingResponseTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    @Test
    void aServerSentEventArrivesWhileTheBackendStillHoldsTheStream() throws Exception {
        TestBackend backend = servers.backend("a");
        TestBalancer balancer = servers.balancer(List.of(backend));
        HttpClient client = HttpClient.newHttpClient();
        long sent = System.nanoTime();
        HttpResponse<java.io.InputStream> response = client.send(
                HttpRequest.newBuilder(URI.create(balancer.url() + "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));

        // The backend holds the stream open after the first event: only a proxy that forwards at once delivers it.
        String first = CompletableFuture.supplyAsync(() -> readLine(events)).get(10, TimeUnit.SECONDS);
        LOG.info("{}: first event {} ms after the request", frontEnd, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
        assertThat(first).isEqualTo("data: first");
        assertThat(backend.holding()).isEqualTo(1);

        backend.release();
        assertThat(readLine(events)).isEmpty();
        assertThat(readLine(events)).isEqualTo("data: last");
    }

    /**
     * Each event reaches the client as the backend flushes it (issue #16: within 50 ms): 20 small events 50 ms apart,
     * each delay measured from the backend's flush to the client's read, on the test JVM's one clock.
     */
    @Test
    void eachServerSentEventArrivesAsTheBackendSendsIt() throws Exception {
        TestBackend backend = servers.backend("a");
        TestBalancer balancer = servers.balancer(List.of(backend));
        Duration interval = Duration.ofMillis(50);
        HttpResponse<java.io.InputStream> response = Http.CLIENT.send(
                HttpRequest.newBuilder(URI.create(balancer.url() + EventDelays.path(20, interval))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");

        EventDelays delays = EventDelays.read(response.body(), 20, interval);
        String through = frontEnd == FrontEnd.HANDLER ? "jar" : "servlet";
        LOG.info(delays.summary(through));
        delays.assertNotHeldBack(through);
    }

    /**
     * A slow download lasts longer than responseTimeout and than any fixed total would allow, yet completes: only the
     * gap between two bytes is limited. (Scaled down: 10 bytes 150 ms apart against a 300 ms response timeout.)
     */
    @Test
    void aSlowDownloadCompletesWhateverItTakesInTotal() throws Exception {
        TestBackend backend = servers.backend("a");
        TestBalancer balancer = servers.balancer(List.of(backend), "responseTimeout", "300ms", "idleTimeout", "1s");
        HttpResponse<String> response = Http.get(balancer.url() + "/trickle/10/150");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("x".repeat(10));
    }

    /** A stream that goes quiet for longer than idleTimeout is cut: the client sees it end abnormally, not complete. */
    @Test
    void aStreamSilentForLongerThanIdleTimeoutIsCut() throws Exception {
        TestBackend backend = servers.backend("a");
        TestBalancer balancer = servers.balancer(List.of(backend), "idleTimeout", "500ms");
        try {
            Http.RawAnswer answer = Http.rawExchange(balancer.port(), "GET /events HTTP/1.1\r\nHost: x\r\n\r\n", 10_000);
            assertThat(answer.text()).startsWith("HTTP/1.1 200").contains("data: first");
            assertThat(answer.closed()).isTrue();
            assertThat(answer.text()).as("no terminating chunk").doesNotEndWith("0\r\n\r\n").doesNotContain("data: last");
        } finally {
            backend.release();
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
