package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fewest in-flight requests relative to weight. A pick looks at {@value #CANDIDATES} backends from a start that moves
 * on by one each pick: in pools up to that size that is every backend (exact least-connections, ties rotating); in
 * larger pools it is a sliding window, which keeps the pick O(1) at any size (Envoy bounds its least-request
 * choice count for the same reason) while still steering away from busy backends.
 */
final class LeastConnectionsPicker implements Picker {
    static final int CANDIDATES = 16;

    private final Backend[] backends;
    private final AtomicInteger start = new AtomicInteger();

    LeastConnectionsPicker(List<Backend> list) {
        this.backends = list.toArray(Backend[]::new);
    }

    @Override
    public Backend pick(HttpServletRequest request) {
        int n = backends.length;
        int offset = (start.getAndIncrement() & Integer.MAX_VALUE) % n;
        int candidates = Math.min(n, CANDIDATES);
        Backend best = backends[offset];
        for (int i = 1; i < candidates; i++) {
            int index = offset + i;
            Backend candidate = backends[index < n ? index : index - n];
            if (Load.lighter(candidate, best)) {
                best = candidate;
            }
        }
        return best;
    }
}
