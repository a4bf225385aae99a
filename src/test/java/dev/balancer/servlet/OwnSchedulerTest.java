package dev.balancer.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The servlet client's timer stops only once its thread has ended (Jetty's returns at once, and Tomcat10IT once
 * reported its thread as leaked). Here a task still runs when stop is called and ignores the interrupt until released.
 * Repeated 300 times, the last assertion failed 11 times when stop only awaited the executor's termination.
 */
class OwnSchedulerTest {

    @Test
    void stopReturnsOnlyOnceTheTimerThreadHasEnded() throws Exception {
        OwnScheduler scheduler = new OwnScheduler("test-scheduler");
        scheduler.start();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> timer = new AtomicReference<>();
        scheduler.schedule(() -> {
            timer.set(Thread.currentThread());
            running.countDown();
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // a task in its last moments: the stop must still wait for it
                }
            }
        }, 1, TimeUnit.MILLISECONDS);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                scheduler.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.isStopping() || scheduler.isStopped());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !stopped.isDone() && timer.get().isAlive());

        release.countDown();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(timer.get().isAlive()).isFalse();
        assertThat(timer.get().getName()).isEqualTo("test-scheduler");
    }
}
