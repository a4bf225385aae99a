package dev.balancer.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigSources;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar's stop sequence, in process: readiness turns 503 first while traffic is still served through the
 * shutdown delay, then the listener closes while a slow request in flight finishes. The delay is ended by the test
 * (a latch stands in for the clock) so each phase is observed, not guessed by timing.
 */
class GracefulShutdownTest {

    static boolean refusesConnections(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void healthTurns503ThenTheListenerClosesAndTheRequestInFlightCompletes() throws Exception {
        try (TestBackend backend = new TestBackend("a")) {
            BalancerConfig config = BalancerConfig.from(new ConfigSources().add("test", Map.of("backends", backend.url(),
                    "host", "127.0.0.1", "port", "0", "shutdownDelay", "5s", "shutdownTimeout", "20s"), true));
            StandaloneServer server = new StandaloneServer(config).start();
            int port = server.port();
            try {
                String url = "http://127.0.0.1:" + port;
                // Its own client: the held request keeps one connection busy, the others open new ones.
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                        HttpRequest.newBuilder(URI.create(url + "/hold")).build(), HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(5)).until(() -> backend.holding() == 1);
                assertThat(server.balancer().isShuttingDown()).isFalse();
                assertThat(Http.get(url + "/_balancer/health").statusCode()).isEqualTo(200);

                CountDownLatch delayStarted = new CountDownLatch(1);
                CountDownLatch delayOver = new CountDownLatch(1);
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                    try {
                        server.shutdownGracefully(delay -> {
                            assertThat(delay).isEqualTo(Duration.ofSeconds(5));
                            delayStarted.countDown();
                            delayOver.await();
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThat(delayStarted.await(10, TimeUnit.SECONDS)).isTrue();

                // During the delay: readiness reports 503 though the backend is fine, and traffic still flows.
                assertThat(server.balancer().isShuttingDown()).isTrue();
                HttpResponse<String> health = Http.get(url + "/_balancer/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("\"status\":\"shutting down\"").contains("\"available\":1");
                assertThat(refusesConnections(port)).isFalse();
                HttpResponse<String> during = Http.get(url + "/during");
                assertThat(during.statusCode()).isEqualTo(200);
                assertThat(during.body()).isEqualTo("a GET /during");

                // After the delay: no new connections, but the request in flight is still being waited for.
                delayOver.countDown();
                await().atMost(Duration.ofSeconds(10)).until(() -> refusesConnections(port));
                assertThat(stopped).isNotDone();
                assertThat(slow).isNotDone();

                backend.release();
                HttpResponse<String> finished = slow.get(10, TimeUnit.SECONDS);
                assertThat(finished.statusCode()).isEqualTo(200);
                assertThat(finished.body()).isEqualTo("a GET /hold");
                stopped.get(10, TimeUnit.SECONDS);
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void aSecondStopWaitsForTheFirstAndDoesNothingMore() throws Exception {
        try (TestBackend backend = new TestBackend("a")) {
            BalancerConfig config = BalancerConfig.from(new ConfigSources().add("test", Map.of("backends", backend.url(),
                    "host", "127.0.0.1", "port", "0", "shutdownDelay", "0s"), true));
            StandaloneServer server = new StandaloneServer(config).start();
            int port = server.port();
            server.shutdownGracefully(delay -> { });
            server.shutdownGracefully(delay -> {
                throw new AssertionError("the shutdown delay is waited out once");
            });
            assertThat(refusesConnections(port)).isTrue();
        }
    }
}
