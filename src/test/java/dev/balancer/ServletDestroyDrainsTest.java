package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * In a servlet container (the WAR), {@code destroy()} is the stop signal. A proxied request has left
 * {@code service()} long before it is answered, so the container does not wait for it: the servlet must.
 */
class ServletDestroyDrainsTest {

    private static CompletableFuture<HttpResponse<String>> hold(TestBalancer balancer) {
        return Http.CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(balancer.url() + "/hold")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void destroyReportsShuttingDownAndLetsTheRequestInFlightFinish() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             TestBalancer balancer = new TestBalancer(FrontEnd.SERVLET, Map.of("backends", backend.url(), "shutdownTimeout", "20s"))) {
            CompletableFuture<HttpResponse<String>> slow = hold(balancer);
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.holding() == 1);

            CompletableFuture<Void> destroyed = CompletableFuture.runAsync(balancer.servlet()::destroy);
            await().atMost(Duration.ofSeconds(5)).until(() -> balancer.servlet().isShuttingDown());
            assertThat(destroyed).isNotDone();
            assertThat(Http.get(balancer.url() + "/_balancer/health").statusCode()).isEqualTo(503);

            backend.release();
            HttpResponse<String> finished = slow.get(10, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).isEqualTo("a GET /hold");
            destroyed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void destroyWaitsNoLongerThanShutdownTimeout() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             TestBalancer balancer = new TestBalancer(FrontEnd.SERVLET, Map.of("backends", backend.url(), "shutdownTimeout", "300ms"))) {
            CompletableFuture<HttpResponse<String>> slow = hold(balancer);
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.holding() == 1);

            long start = System.nanoTime();
            balancer.servlet().destroy();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).isBetween(300L, 15_000L);
            // The backend never answered in time; the request is cut off rather than left hanging.
            assertThat(slow.handle((response, failure) -> failure != null || response.statusCode() != 200)
                    .get(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
