package dev.balancer.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.LoopbackServer;
import dev.balancer.testing.TestBalancer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * A long poll held two minutes by its backend gets its answer through both front ends: no timeout of the balancer
 * or of the server it runs in cuts it. Two minutes is long, so both front ends are polled at once, in one test, run
 * by failsafe in {@code mvn verify} rather than with the unit tests.
 *
 * <p>Not with the defaults alone: a backend silent for two minutes is past the default {@code responseTimeout}
 * (30 s: 504) and {@code idleTimeout} (60 s), so the poll gets what README's Timeouts section tells long polls to
 * set, both timeouts above the hold; everything else (the servers' own idle timeouts, the servlet's async timeout)
 * stays at its default.
 */
class LongPollIT {
    private static final Duration HOLD = Duration.ofSeconds(120);
    private static final String ANSWER = "the event you waited for";
    private static final Map<String, String> LONG_POLL_TIMEOUTS = Map.of("responseTimeout", "3m", "idleTimeout", "3m");

    @Test
    void aPollHeldTwoMinutesGetsItsAnswerThroughBothFrontEnds() throws Exception {
        try (LoopbackServer backend = holdingBackend();
             TestBalancer servlet = new TestBalancer(FrontEnd.SERVLET, settings(backend));
             TestBalancer handler = new TestBalancer(FrontEnd.HANDLER, settings(backend))) {
            long start = System.nanoTime();
            CompletableFuture<HttpResponse<String>> viaServlet = poll(servlet);
            CompletableFuture<HttpResponse<String>> viaHandler = poll(handler);

            // The bound is the client's: well past the hold, so only a cut or a stall fails here.
            HttpResponse<String> servletAnswer = viaServlet.get(HOLD.toSeconds() + 60, TimeUnit.SECONDS);
            HttpResponse<String> handlerAnswer = viaHandler.get(60, TimeUnit.SECONDS);

            for (HttpResponse<String> answer : List.of(servletAnswer, handlerAnswer)) {
                assertThat(answer.statusCode()).as(answer.uri().toString()).isEqualTo(200);
                assertThat(answer.body()).as(answer.uri().toString()).isEqualTo(ANSWER);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(HOLD);
        }
    }

    private static Map<String, String> settings(LoopbackServer backend) {
        Map<String, String> settings = new HashMap<>(LONG_POLL_TIMEOUTS);
        settings.put("backends", backend.url());
        return settings;
    }

    private static CompletableFuture<HttpResponse<String>> poll(TestBalancer balancer) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(balancer.url() + "/poll"))
                .timeout(HOLD.plusSeconds(60)).GET().build();
        return Http.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Answers every request once {@link #HOLD} has passed on its own scheduler, sending nothing before. */
    private static LoopbackServer holdingBackend() throws Exception {
        LoopbackServer backend = new LoopbackServer();
        backend.connector().setIdleTimeout(HOLD.multipliedBy(2).toMillis()); // the backend is not what is under test
        return backend.start(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                request.getComponents().getScheduler().schedule(() -> {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                    response.write(true, ByteBuffer.wrap(ANSWER.getBytes(StandardCharsets.UTF_8)), callback);
                }, HOLD.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            }
        });
    }
}
