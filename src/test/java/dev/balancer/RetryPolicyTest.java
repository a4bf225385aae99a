package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.backend.Backend;
import dev.balancer.config.BackendSpec;
import dev.balancer.config.RetrySettings;
import dev.balancer.strategy.ClientRequest;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retry budget (Envoy's): retries in flight stay under a share of the requests in flight, at least a few. */
class RetryPolicyTest {
    private final Backend first = new Backend(BackendSpec.of(URI.create("http://127.0.0.1:1")));
    private final Backend second = new Backend(BackendSpec.of(URI.create("http://127.0.0.1:2")));
    private final AtomicInteger refused = new AtomicInteger();

    private RetryPolicy policy(int budgetPercent, int requestsInFlight) {
        RetrySettings settings = new RetrySettings(3, true, true, Set.of(503), Duration.ZERO, budgetPercent);
        return new RetryPolicy(settings, () -> requestsInFlight, (exchange, why) -> second, refused::incrementAndGet);
    }

    private Exchange get() {
        return new Exchange(request("GET"), "id", false, first);
    }

    @Test
    void retriesInFlightStayWithinTheBudget() {
        RetryPolicy policy = policy(20, 200); // 40 retries may be in flight beside 200 requests
        Exchange[] retried = new Exchange[40];
        for (int i = 0; i < retried.length; i++) {
            retried[i] = get();
            assertThat(policy.afterFailure(retried[i], new ConnectException("refused"))).isSameAs(second);
            retried[i].attempt(second);
        }
        assertThat(policy.afterFailure(get(), new ConnectException("refused"))).as("the 41st").isNull();
        assertThat(policy.afterAnswer(get(), 503)).isNull();
        assertThat(refused).hasValue(2);

        policy.attemptEnded(retried[0]); // one retry is over: its place is free again
        assertThat(policy.afterAnswer(get(), 503)).isSameAs(second);
    }

    @Test
    void aQuietPoolMayStillRetryAFew() {
        RetryPolicy policy = policy(20, 1);
        for (int i = 0; i < RetrySettings.MIN_RETRY_CONCURRENCY; i++) {
            assertThat(policy.afterFailure(get(), new ConnectException("refused"))).isSameAs(second);
        }
        assertThat(policy.afterFailure(get(), new ConnectException("refused"))).isNull();
    }

    @Test
    void answersAreRetriedOnlyForIdempotentRequestsWithoutABody() {
        RetryPolicy policy = policy(100, 100);
        assertThat(policy.afterAnswer(new Exchange(request("POST"), "id", false, first), 503)).isNull();
        assertThat(policy.afterAnswer(new Exchange(request("PUT"), "id", true, first), 503)).isNull();
        assertThat(policy.afterAnswer(get(), 500)).as("not in retryOn").isNull();
        assertThat(policy.afterAnswer(get(), 503)).isSameAs(second);
    }

    private static ClientRequest request(String method) {
        return new ClientRequest() {
            public String method() {
                return method;
            }

            public String path() {
                return "/";
            }

            public String query() {
                return null;
            }

            public String header(String name) {
                return null;
            }

            public String cookie(String name) {
                return null;
            }

            public String remoteAddress() {
                return "127.0.0.1";
            }
        };
    }
}
