package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fewest in-flight requests relative to weight. A pick looks at {@value #CANDIDATES} consecutive backends from a
 * random start: in pools up to that size that is every backend (exact least-connections); in larger pools it is a
 * random window, which keeps the pick O(1) at any size (Envoy's least-request looks at two random hosts for the same
 * reason) while still steering away from busy backends.
 *
 * <p>Among equally loaded candidates each is equally likely (reservoir sampling in the same pass). Nothing is shared
 * between picks: no counter, so threads picking at once do not contend for a cache line.
 */
final class LeastConnectionsPicker implements Picker {
    static final int CANDIDATES = 4;

    private final Backend[] backends;

    LeastConnectionsPicker(List<Backend> list) {
        this.backends = list.toArray(Backend[]::new);
    }

    @Override
    public Backend pick(ClientRequest request) {
        int n = backends.length;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int index = n == 1 ? 0 : random.nextInt(n);
        Backend best = backends[index];
        long bestLoad = best.inFlight();
        long bestWeight = best.effectiveWeight();
        int ties = 1;
        for (int i = Math.min(n, CANDIDATES) - 1; i > 0; i--) {
            index = index + 1 == n ? 0 : index + 1;
            Backend candidate = backends[index];
            long load = candidate.inFlight();
            long weight = candidate.effectiveWeight();
            // load/weight against bestLoad/bestWeight, without dividing
            long difference = load * bestWeight - bestLoad * weight;
            if (difference < 0 || (difference == 0 && random.nextInt(++ties) == 0)) {
                if (difference < 0) {
                    ties = 1;
                }
                best = candidate;
                bestLoad = load;
                bestWeight = weight;
            }
        }
        return best;
    }
}
