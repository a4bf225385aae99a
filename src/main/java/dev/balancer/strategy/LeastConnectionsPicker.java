package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fewest in-flight requests relative to weight. The scan starts one place further on each pick, so among equally
 * loaded backends the choice rotates instead of always landing on the first.
 */
final class LeastConnectionsPicker implements Picker {
    private final Backend[] backends;
    private final AtomicInteger start = new AtomicInteger();

    LeastConnectionsPicker(List<Backend> list) {
        this.backends = list.toArray(Backend[]::new);
    }

    @Override
    public Backend pick(HttpServletRequest request) {
        int n = backends.length;
        int offset = (start.getAndIncrement() & Integer.MAX_VALUE) % n;
        Backend best = backends[offset];
        for (int i = 1; i < n; i++) {
            Backend candidate = backends[(offset + i) % n];
            if (Load.lighter(candidate, best)) {
                best = candidate;
            }
        }
        return best;
    }
}
