package dev.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.config.BackendSpec;
import dev.balancer.config.OutlierSettings;
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
                0, Clock.systemUTC());
        backend = pool.snapshot().members().get(0);
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.stop();
    }

    /** A detector with the default maxEjectionPercent (50): one of this test's two backends may be ejected. */
    private PassiveOutlierDetector detector(int maxFails, Duration failTimeout, int ejectOn5xx) {
        return new PassiveOutlierDetector(pool, scheduler, new OutlierSettings(maxFails, failTimeout, ejectOn5xx, 50), nanos::get);
    }

    private BackendStatus status() {
        return pool.snapshot().state(backend).status();
    }

    @Test
    void maxFailsWithinTheWindowEjectOnlyThoseInTheWindowCount() {
        PassiveOutlierDetector detector = detector(3, Duration.ofSeconds(10), 0);
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
        PassiveOutlierDetector detector = detector(2, Duration.ofMillis(200), 0);
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
        PassiveOutlierDetector detector = detector(1, Duration.ofMillis(50), 0);
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
        PassiveOutlierDetector detector = detector(3, Duration.ofSeconds(10), 0);
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

    @Test
    void consecutive5xxAnswersEjectWhenAskedForAndAnyOtherAnswerEndsTheStreak() {
        PassiveOutlierDetector detector = detector(3, Duration.ofSeconds(10), 3);
        detector.attemptEnded(backend, 503, 1, null);
        detector.attemptEnded(backend, 500, 1, null);
        detector.attemptEnded(backend, 404, 1, null);
        detector.attemptEnded(backend, 502, 1, null);
        detector.attemptEnded(backend, 503, 1, null);
        assertThat(status()).as("the 404 ended the first streak").isEqualTo(BackendStatus.HEALTHY);
        detector.attemptEnded(backend, 0, 1, new ConnectException("refused"));
        assertThat(status()).as("a failure neither counts as nor ends a 5xx streak").isEqualTo(BackendStatus.HEALTHY);
        detector.attemptEnded(backend, 504, 1, null);
        assertThat(status()).isEqualTo(BackendStatus.EJECTED);
        assertThat(pool.snapshot().state(backend).reason()).isEqualTo("3 consecutive 5xx answers, the last 504");
        assertThat(pool.snapshot().available()).doesNotContain(backend);
    }

    @Test
    void halfOpenTrialAnswered5xxEjectsAgainAtOnceWhen5xxCount() {
        PassiveOutlierDetector detector = detector(3, Duration.ofMillis(200), 2);
        detector.attemptEnded(backend, 500, 1, null);
        detector.attemptEnded(backend, 500, 1, null);
        assertThat(status()).isEqualTo(BackendStatus.EJECTED);
        await().atMost(Duration.ofSeconds(5)).until(() -> status() == BackendStatus.HEALTHY);

        detector.attemptEnded(backend, 503, 1, null);
        assertThat(status()).isEqualTo(BackendStatus.EJECTED);
        assertThat(pool.snapshot().state(backend).reason()).isEqualTo("half-open trial request answered 503");
    }

    @Test
    void noMoreThanMaxEjectionPercentOfThePoolIsEjectedAtOnceButAlwaysOne() {
        pool.updateMembers(BackendSpec.parseList("http://127.0.0.1:1,http://127.0.0.1:2,http://127.0.0.1:3,http://127.0.0.1:4,http://127.0.0.1:5"));
        PassiveOutlierDetector detector = new PassiveOutlierDetector(pool, scheduler,
                new OutlierSettings(1, Duration.ofSeconds(10), 0, 50), nanos::get);
        List<Backend> members = pool.snapshot().members();
        members.forEach(member -> detector.attemptEnded(member, 0, 1, new ConnectException("refused")));
        // 50% of 5 is 2.5: two may be out at once, the other three keep their traffic.
        assertThat(members).filteredOn(member -> pool.snapshot().state(member).status() == BackendStatus.EJECTED).hasSize(2);
        assertThat(pool.snapshot().available()).hasSize(3);

        BackendPool single = new BackendPool("single", Strategy.roundRobin(), BackendSpec.parseList("http://127.0.0.1:1"), 0,
                Clock.systemUTC());
        Backend only = single.snapshot().members().get(0);
        new PassiveOutlierDetector(single, scheduler, new OutlierSettings(1, Duration.ofSeconds(10), 0, 1), nanos::get)
                .attemptEnded(only, 0, 1, new ConnectException("refused"));
        assertThat(single.snapshot().state(only).status()).as("1% of one backend still allows one").isEqualTo(BackendStatus.EJECTED);
    }
}
