package dev.balancer.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.config.BackendSpec;
import dev.balancer.strategy.Strategy;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which backends get traffic when few are healthy: backups first, then panic over all not drained or down. */
class PanicTest {

    private static BackendPool pool(String backends, int panicThreshold) {
        return new BackendPool("test", Strategy.roundRobin(), BackendSpec.parseList(backends), panicThreshold, Clock.systemUTC());
    }

    @Test
    void belowThePanicThresholdTrafficGoesToEveryBackendNotDrainedOrDown() {
        BackendPool pool = pool("http://10.0.0.1,http://10.0.0.2,http://10.0.0.3,http://10.0.0.4,http://10.0.0.5 down", 50);
        List<Backend> b = pool.snapshot().members();
        pool.transition(b.get(0), BackendStatus.UNHEALTHY, "probe failed");
        pool.transition(b.get(1), BackendStatus.EJECTED, "failed");
        assertThat(pool.snapshot().panic()).as("2 of 4 healthy is not below 50%").isFalse();
        assertThat(pool.snapshot().available()).containsExactly(b.get(2), b.get(3));

        pool.transition(b.get(3), BackendStatus.DRAINING, "drained by operator");
        assertThat(pool.snapshot().panic()).as("1 of 3 healthy").isTrue();
        assertThat(pool.snapshot().available()).containsExactly(b.get(0), b.get(1), b.get(2));
        assertThat(pool.snapshot().pick(null)).isNotNull();

        pool.transition(b.get(0), BackendStatus.HEALTHY, "probe passed");
        assertThat(pool.snapshot().panic()).isFalse();
        assertThat(pool.snapshot().available()).containsExactly(b.get(0), b.get(2));
    }

    @Test
    void healthyBackupsJoinBeforePanicAndPanicIncludesThem() {
        BackendPool pool = pool("http://10.0.0.1,http://10.0.0.2,http://10.0.0.3,http://10.0.0.9 backup", 50);
        List<Backend> b = pool.snapshot().members();
        pool.transition(b.get(0), BackendStatus.UNHEALTHY, "probe failed");
        pool.transition(b.get(1), BackendStatus.UNHEALTHY, "probe failed");
        assertThat(pool.snapshot().panic()).isFalse();
        assertThat(pool.snapshot().available()).as("1 of 3 primaries: the backup helps").containsExactly(b.get(2), b.get(3));

        pool.transition(b.get(3), BackendStatus.UNHEALTHY, "probe failed");
        assertThat(pool.snapshot().panic()).isTrue();
        assertThat(pool.snapshot().available()).containsExactlyElementsOf(b);
    }

    @Test
    void aThresholdOfZeroKeepsPanicOffAnd503sWhenNothingIsHealthy() {
        BackendPool pool = pool("http://10.0.0.1,http://10.0.0.2,http://10.0.0.3,http://10.0.0.9 backup", 0);
        List<Backend> b = pool.snapshot().members();
        pool.transition(b.get(0), BackendStatus.UNHEALTHY, "probe failed");
        pool.transition(b.get(1), BackendStatus.UNHEALTHY, "probe failed");
        assertThat(pool.snapshot().available()).as("backups only while no primary is healthy").containsExactly(b.get(2));
        pool.transition(b.get(2), BackendStatus.UNHEALTHY, "probe failed");
        assertThat(pool.snapshot().available()).containsExactly(b.get(3));
        pool.transition(b.get(3), BackendStatus.UNHEALTHY, "probe failed");
        assertThat(pool.snapshot().available()).isEmpty();
        assertThat(pool.snapshot().panic()).isFalse();
        assertThat(pool.snapshot().pick(null)).isNull();
    }
}
