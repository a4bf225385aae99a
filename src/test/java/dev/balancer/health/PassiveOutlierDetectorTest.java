package dev.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.config.BackendSpec;
import dev.balancer.strategy.Strategy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PassiveOutlierDetectorTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
    private BackendPool pool;
    private Backend backend;

    @BeforeEach
    void start() throws Exception {
        scheduler.start();
        pool = new BackendPool("test", Strategy.roundRobin(),
                List.of(BackendSpec.of(URI.create("http://127.0.0.1:1")), BackendSpec.of(URI.create("http://127.0.0.1:2"))),
                Clock.systemUTC());
        backend = pool.snapshot().members().get(0);
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.stop();
    }

    private BackendStatus status() {
        return pool.snapshot().state(backend).status();
    }

    @Test
    void maxFailsWithinTheWindowEjectOnlyThoseInTheWindowCount() {
        PassiveOutlierDetector detector = new PassiveOutlierDetector(pool, scheduler, 3, Duration.ofSeconds(10), nanos::get);
        detector.attemptEnded(backend, 0, 1, new ConnectException("refused"));
        detector.attemptEnded(backend, 0, 1, new ConnectException("refused"));
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        detector.attemptEnded(backend, 0, 1, new ConnectException("refused"));
        assertThat(status()).as("the first two fell out of the window").isEqualTo(BackendStatus.HEALTHY);

        detector.attemptEnded(backend, 503, 1, null);
        detector.attemptEnded(backend, 0, 1, new IOException("reset"));
        assertThat(status()).as("a 5xx answer is not a failure").isEqualTo(BackendStatus.HEALTHY);
        detector.attemptEnded(backend, 0, 1, new IOException("reset"));
        assertThat(status()).isEqualTo(BackendStatus.EJECTED);
        assertThat(pool.snapshot().available()).doesNotContain(backend);
    }

    @Test
    void ejectionEndsHalfOpenAndTheNextFailureEjectsAgainAtOnce() {
        PassiveOutlierDetector detector = new PassiveOutlierDetector(pool, scheduler, 2, Duration.ofMillis(200), nanos::get);
        detector.attemptEnded(backend, 0, 1, new ConnectException("refused"));
        detector.attemptEnded(backend, 0, 1, new ConnectException("refused"));
        assertThat(status()).isEqualTo(BackendStatus.EJECTED);
        await().atMost(Duration.ofSeconds(5)).until(() -> status() == BackendStatus.HEALTHY);
        assertThat(pool.snapshot().state(backend).reason()).contains("half-open");

        detector.attemptEnded(backend, 0, 1, new ConnectException("refused"));
        assertThat(status()).isEqualTo(BackendStatus.EJECTED);
        assertThat(pool.snapshot().state(backend).reason()).startsWith("half-open trial request failed");
    }

    @Test
    void aDrainedBackendIsNotEjectedOrRevived() {
        PassiveOutlierDetector detector = new PassiveOutlierDetector(pool, scheduler, 1, Duration.ofMillis(50), nanos::get);
        pool.transition(backend, BackendStatus.DRAINING, "drained by operator");
        detector.attemptEnded(backend, 0, 1, new ConnectException("refused"));
        assertThat(status()).isEqualTo(BackendStatus.DRAINING);
    }

    /**
     * Discovery churn: 10,000 backends come, fail and go (the pool logs two lines for each, so not 100,000 in the
     * build's output); the detector keeps state for the current member only, however many went before.
     */
    @Test
    void stateOfBackendsThatLeftThePoolIsDropped() {
        PassiveOutlierDetector detector = new PassiveOutlierDetector(pool, scheduler, 3, Duration.ofSeconds(10), nanos::get);
        for (int port = 1; port <= 10_000; port++) {
            pool.updateMembers(List.of(BackendSpec.of(URI.create("http://127.0.0." + (1 + port % 200) + ":" + port))));
            Backend member = pool.snapshot().members().get(0);
            detector.attemptEnded(member, 0, 1, new ConnectException("refused"));
            if (port % 2 == 0) {
                pool.updateMembers(List.of()); // gone before the attempt that was still in flight reports
                detector.attemptEnded(member, 0, 1, new ConnectException("refused"));
            }
        }
        assertThat(detector.tracked()).isLessThanOrEqualTo(1);
    }
}
