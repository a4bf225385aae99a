package dev.balancer.standalone;

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to the runnable jar, as Kubernetes sends it: the default 5 s delay, then a drained slow request, exit 0. */
class GracefulShutdownIT {

    @Test
    void sigtermWaitsTheDelayThenRefusesNewConnectionsDrainsAndExitsZero(@TempDir Path dir) throws Exception {
        try (TestBackend backend = new TestBackend("a");
             BalancerProcess balancer = BalancerProcess.startJar(dir, List.of(), "--backends=" + backend.url()).awaitListening()) {
            CompletableFuture<HttpResponse<String>> slow = Http.CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(balancer.url() + "/hold")).build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.holding() == 1);
            assertThat(Http.get(balancer.url() + "/_balancer/health").statusCode()).isEqualTo(200);

            long sigterm = System.nanoTime();
            balancer.sigterm();
            // (That traffic is still served during the delay is shown, without racing a clock, by GracefulShutdownTest.)
            balancer.awaitLog("shutting down: readiness reports 503", Duration.ofSeconds(15));

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> GracefulShutdownTest.refusesConnections(balancer.port()));
            long refusedAfterMillis = (System.nanoTime() - sigterm) / 1_000_000;
            System.out.printf("SIGTERM: new connections refused after %d ms (shutdownDelay 5000 ms)%n", refusedAfterMillis);
            assertThat(refusedAfterMillis).isGreaterThanOrEqualTo(5000);
            assertThat(balancer.isAlive()).as("still draining the held request").isTrue();

            backend.release();
            HttpResponse<String> finished = slow.get(10, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).isEqualTo("a GET /hold");
            assertThat(balancer.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(balancer.log()).contains("SIGTERM received").contains("Stopped");
        }
    }
}
