package dev.balancer.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.config.BackendSpec;
import dev.balancer.strategy.Endpoint;
import dev.balancer.strategy.Picker;
import dev.balancer.strategy.Strategy;
import java.net.ConnectException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pool's side of the strategy SPI: rebuilding pickers, and reporting attempts to the strategy. */
class BackendPoolTest {
    private static final List<BackendSpec> THREE_EQUAL =
            BackendSpec.parseList("http://10.0.0.1:8080,http://10.0.0.2:8080,http://10.0.0.3:8080");

    @Test
    void roundRobinContinuesAcrossARebuildInsteadOfRestartingAtTheFirstBackend() {
        BackendPool pool = new BackendPool("test", Strategy.roundRobin(), THREE_EQUAL, 0, Clock.systemUTC());
        List<Backend> available = pool.snapshot().available();
        for (int i = 0; i < 3; i++) {
            Backend picked = pool.snapshot().pick(null);
            PoolSnapshot before = pool.snapshot();
            pool.effectiveWeights(Map.of()); // a slow-start step that changes nothing: a new picker all the same
            assertThat(pool.snapshot()).isNotSameAs(before);
            assertThat(pool.snapshot().available()).isEqualTo(available);

            Backend next = pool.snapshot().pick(null);
            assertThat(next).isSameAs(available.get((available.indexOf(picked) + 1) % available.size()));
        }
    }

    @Test
    void roundRobinContinuesAcrossAHealthTransitionAndBack() {
        BackendPool pool = new BackendPool("test", Strategy.roundRobin(), THREE_EQUAL, 0, Clock.systemUTC());
        List<Backend> all = pool.snapshot().available();
        Map<Backend, Integer> picks = new java.util.HashMap<>();
        // Ten rounds of: one pick, a backend ejected and back. Restarting at the first backend on every rebuild
        // would give it all 30 picks; a rotation that continues gives each backend its share.
        for (int round = 0; round < 10; round++) {
            for (Backend backend : all) {
                picks.merge(pool.snapshot().pick(null), 1, Integer::sum);
                pool.transition(backend, BackendStatus.EJECTED, "test");
                pool.transition(backend, BackendStatus.HEALTHY, "test");
            }
        }
        assertThat(picks.values()).allSatisfy(n -> assertThat(n).isBetween(5, 15));
    }

    @Test
    void theStrategyHearsEveryAttemptWithoutRegisteringAsAnObserver() {
        List<String> heard = new ArrayList<>();
        Strategy learning = new Strategy() {
            @Override
            public <E extends Endpoint> Picker<E> newPicker(List<E> endpoints) {
                E first = endpoints.get(0);
                return request -> first;
            }

            @Override
            public void attemptEnded(Endpoint endpoint, int status, long durationNanos, Throwable failure) {
                heard.add(endpoint.key() + " " + status + " " + durationNanos + " " + (failure != null));
            }
        };
        BackendPool pool = new BackendPool("test", learning, THREE_EQUAL, 0, Clock.systemUTC());
        Backend backend = pool.snapshot().pick(null);
        pool.attemptStarted(backend);
        assertThat(backend.inFlight()).isEqualTo(1);
        pool.attemptEnded(backend, 200, 5, null);
        pool.attemptStarted(backend);
        pool.attemptEnded(backend, 0, 7, new ConnectException("refused"));

        assertThat(backend.inFlight()).isZero();
        assertThat(heard).containsExactly("http://10.0.0.1:8080 200 5 false", "http://10.0.0.1:8080 0 7 true");
    }
}
