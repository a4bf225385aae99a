package dev.balancer.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The servlet's own client pool (used where the container lends none, as in Tomcat) stops only once all of its
 * threads have ended. Jetty's pool joins only the threads it still lists, and a thread leaves that list just before
 * it ends; a container checking for leaked threads right after an undeploy reported such a thread (Tomcat11IT).
 * Here the pool's thread factory makes a thread the pool does not list, as that thread is in its last moments.
 */
class OwnThreadPoolTest {

    @Test
    void stopWaitsForAThreadThePoolNoLongerLists() throws Exception {
        OwnThreadPool pool = new OwnThreadPool();
        pool.start();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread ending = pool.newThread(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ending.start();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                pool.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.isStopping() || pool.isStopped());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !stopped.isDone() && ending.isAlive());

        release.countDown();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(ending.isAlive()).isFalse();
    }
}
