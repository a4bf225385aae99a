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
import org.junit.jupiter.api.Test;

/** The pool's side of the strategy SPI: reporting attempts to the strategy. */
class BackendPoolTest {
    private static final List<BackendSpec> THREE_EQUAL =
            BackendSpec.parseList("http://10.0.0.1:8080,http://10.0.0.2:8080,http://10.0.0.3:8080");

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
        BackendPool pool = new BackendPool("test", learning, THREE_EQUAL, Clock.systemUTC());
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
