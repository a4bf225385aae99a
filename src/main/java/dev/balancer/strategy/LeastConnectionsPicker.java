package dev.balancer.strategy;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fewest in-flight requests relative to weight. A pick looks at {@value #CANDIDATES} consecutive endpoints from a
 * random start: in pools up to that size that is every endpoint (exact least-connections); in larger pools it is a
 * random window, which keeps the pick O(1) at any size (Envoy's least-request looks at two random hosts for the same
 * reason) while still steering away from busy endpoints.
 *
 * <p>Among equally loaded candidates each is equally likely (reservoir sampling in the same pass). Nothing is shared
 * between picks: no counter, so threads picking at once do not contend for a cache line.
 */
final class LeastConnectionsPicker<E extends Endpoint> implements Picker<E> {
    static final int CANDIDATES = 4;

    private final E[] endpoints;

    LeastConnectionsPicker(List<E> list) {
        this.endpoints = Endpoints.array(list);
    }

    @Override
    public E pick(ClientRequest request) {
        int n = endpoints.length;
        // One 64-bit draw: its high half picks the start, 10-bit slices of its low half break up to three ties
        // (each biased by less than 1 / 2^10).
        long bits = ThreadLocalRandom.current().nextLong();
        int index = RandomIndex.below(bits >>> 32, n);
        E best = endpoints[index];
        long bestLoad = best.inFlight();
        long bestWeight = best.effectiveWeight();
        int ties = 1;
        for (int i = Math.min(n, CANDIDATES) - 1; i > 0; i--) {
            index = index + 1 == n ? 0 : index + 1;
            E candidate = endpoints[index];
            long load = candidate.inFlight();
            long weight = candidate.effectiveWeight();
            // load/weight against bestLoad/bestWeight, without dividing
            long difference = load * bestWeight - bestLoad * weight;
            if (difference > 0) {
                continue;
            }
            if (difference < 0) {
                ties = 1;
            } else {
                // the k-th equally loaded candidate replaces the incumbent with odds 1/k: each ends up equally likely
                boolean replaces = ((bits & 0x3FF) * ++ties) >>> 10 == 0;
                bits >>>= 10;
                if (!replaces) {
                    continue;
                }
            }
            best = candidate;
            bestLoad = load;
            bestWeight = weight;
        }
        return best;
    }
}
