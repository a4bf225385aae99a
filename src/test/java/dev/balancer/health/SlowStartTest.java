package dev.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.config.BackendSpec;
import dev.balancer.strategy.Strategy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.Test;

class SlowStartTest {

    @Test
    void recoveredBackendRampsFromAlmostNothingToItsFullWeight() throws Exception {
        AtomicLong nanos = new AtomicLong();
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        try {
            BackendPool pool = new BackendPool("test", Strategy.roundRobin(), List.of(
                    new BackendSpec(URI.create("http://127.0.0.1:1"), 2, false, false),
                    new BackendSpec(URI.create("http://127.0.0.1:2"), 1, false, false)), 0, Clock.systemUTC());
            Backend steady = pool.snapshot().members().get(0);
            Backend recovering = pool.snapshot().members().get(1);
            SlowStart slowStart = new SlowStart(pool, scheduler, Duration.ofSeconds(10), nanos::get);
            slowStart.start();

            pool.transition(recovering, BackendStatus.UNHEALTHY, "probe failed");
            pool.transition(recovering, BackendStatus.HEALTHY, "probe passed");
            assertThat(recovering.effectiveWeight()).isEqualTo(1);
            assertThat(steady.effectiveWeight()).isEqualTo(2 * SlowStart.SCALE);

            nanos.set(Duration.ofSeconds(5).toNanos());
            slowStart.tick();
            assertThat(recovering.effectiveWeight()).isEqualTo(SlowStart.SCALE / 2);

            nanos.set(Duration.ofSeconds(10).toNanos());
            slowStart.tick();
            assertThat(recovering.effectiveWeight()).isEqualTo(1);
            assertThat(steady.effectiveWeight()).isEqualTo(2);
        } finally {
            scheduler.stop();
        }
    }

    @Test
    void aBackendDiscoveryAddsRampsButThoseThereAtStartupDoNot() throws Exception {
        AtomicLong nanos = new AtomicLong();
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        try {
            BackendPool pool = new BackendPool("test", Strategy.roundRobin(), BackendSpec.parseList("http://127.0.0.1:1 weight=2"),
                    0, Clock.systemUTC());
            SlowStart slowStart = new SlowStart(pool, scheduler, Duration.ofSeconds(10), nanos::get);
            slowStart.start();
            Backend first = pool.snapshot().members().get(0);
            assertThat(first.effectiveWeight()).as("at startup nothing ramps").isEqualTo(2);

            pool.updateMembers(BackendSpec.parseList("http://127.0.0.1:1 weight=2, http://127.0.0.1:2, http://127.0.0.1:3 down"));
            Backend added = pool.snapshot().members().get(1);
            Backend down = pool.snapshot().members().get(2);
            assertThat(added.effectiveWeight()).isEqualTo(1);
            assertThat(first.effectiveWeight()).isEqualTo(2 * SlowStart.SCALE);
            assertThat(down.effectiveWeight()).as("a backend that joins down gets no traffic to ramp").isEqualTo(SlowStart.SCALE);

            nanos.set(Duration.ofSeconds(5).toNanos());
            slowStart.tick();
            assertThat(added.effectiveWeight()).isEqualTo(SlowStart.SCALE / 2);

            nanos.set(Duration.ofSeconds(10).toNanos());
            slowStart.tick();
            assertThat(added.effectiveWeight()).isEqualTo(1);
            assertThat(first.effectiveWeight()).isEqualTo(2);
        } finally {
            scheduler.stop();
        }
    }
}
