package dev.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.config.BackendSpec;
import dev.balancer.strategy.Strategy;
import dev.balancer.testing.AdminClient;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The history ring behind the page's charts, sampled by hand instead of by the scheduler. */
class HistoryTest {
    private final BackendPool pool = new BackendPool("history", Strategy.roundRobin(),
            List.of(BackendSpec.of(URI.create("http://127.0.0.1:8081")), BackendSpec.of(URI.create("http://127.0.0.1:8082"))),
            0, Clock.systemUTC());
    private final AtomicLong nanos = new AtomicLong(1);
    private final PoolTelemetry telemetry = new PoolTelemetry(pool, new BalancerMetrics("history", pool::snapshot), nanos::get);
    private final History history = new History(telemetry, Clock.systemUTC());

    private JsonNode samples(String id) {
        for (JsonNode backend : AdminClient.json(history.toJson()).get("backends")) {
            if (backend.get("id").asText().equals(id)) {
                return backend.get("samples");
            }
        }
        return null;
    }

    @Test
    void aSampleIsTheRateErrorShareAndP99OfItsInterval() {
        Backend a = pool.find("127.0.0.1:8081").orElseThrow();
        history.sample(); // the baseline: no sample yet
        assertThat(samples(a.id())).isEmpty();
        for (int i = 0; i < 9; i++) {
            pool.attemptEnded(a, 200, 2_000_000, null);
        }
        pool.attemptEnded(a, 503, 40_000_000, null);

        history.sample();

        JsonNode sample = samples(a.id()).get(0);
        assertThat(sample.get("rps").asDouble()).isEqualTo(10 / 5.0);
        assertThat(sample.get("errorRate").asDouble()).isEqualTo(0.1);
        assertThat(sample.get("p99Ms").asDouble()).isEqualTo(40.0);
        JsonNode idle = samples("127.0.0.1:8082").get(0);
        assertThat(idle.get("rps").asDouble()).isZero();
        assertThat(idle.get("errorRate").isNull()).isTrue();
        assertThat(idle.get("p99Ms").isNull()).isTrue();
        assertThat(AdminClient.json(history.toJson()).get("intervalSeconds").asInt()).isEqualTo(5);
    }

    @Test
    void theRingKeepsFiveMinutesAndForgetsBackendsThatLeft() {
        for (int i = 0; i < History.SAMPLES + 10; i++) {
            history.sample();
        }
        assertThat(samples("127.0.0.1:8081")).hasSize(History.SAMPLES);

        pool.updateMembers(List.of(BackendSpec.of(URI.create("http://127.0.0.1:8081"))));
        history.sample();
        assertThat(samples("127.0.0.1:8082")).isNull();
        assertThat(samples("127.0.0.1:8081")).hasSize(History.SAMPLES);
    }
}
