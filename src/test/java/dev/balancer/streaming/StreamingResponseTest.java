package dev.balancer.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.FrontEnd;
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

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
