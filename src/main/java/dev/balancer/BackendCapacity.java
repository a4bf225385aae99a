package dev.balancer;

import dev.balancer.backend.Backend;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How many requests one backend may have at once: {@code maxConnectionsPerBackend} on connections and as many again
 * waiting for one (Envoy's max connections plus max pending). Beyond that a request goes to another backend with
 * room, or is answered 503 at once instead of queueing without bound.
 */
final class BackendCapacity {
    private final int maxConnections;
    private final int pendingLimit;

    BackendCapacity(int maxConnectionsPerBackend) {
        this.maxConnections = maxConnectionsPerBackend;
        this.pendingLimit = 2 * maxConnectionsPerBackend;
    }

    /** The requests one backend may have in flight and queued together: Jetty's own queue is only the backstop. */
    int pendingLimit() {
        return pendingLimit;
    }

    boolean full(Backend backend) {
        return backend.inFlight() >= pendingLimit;
    }

    /** An available backend with room, not yet tried by the exchange (null: any), from a random start. */
    Backend firstWithRoom(List<Backend> available, Exchange exchange) {
        int n = available.size();
        int start = n == 0 ? 0 : ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Backend candidate = available.get((start + i) % n);
            if ((exchange == null || !exchange.tried(candidate)) && !full(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    String atLimit(Backend backend) {
        return "backend " + backend.id() + " is at its limit of " + maxConnections + " connections and as many queued requests";
    }
}
