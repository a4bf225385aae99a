package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fewest in-flight requests relative to weight. A pick looks at {@value #CANDIDATES} backends from a start that moves
 * on by one each pick: in pools up to that size that is every backend (exact least-connections); in larger pools it
 * is a sliding window, which keeps the pick O(1) at any size (Envoy bounds its least-request choice count for the
 * same reason) while still steering away from busy backends.
 *
 * <p>Among equally loaded candidates the choice rotates evenly: the first pass counts the ties, the second takes the
 * next of them in turn. (Taking the first tie after the moving start is not even: whenever the start lands on a busier
 * backend, the tie after it wins, so with one busy backend in three, the idle one behind it got two picks in three.)
 */
final class LeastConnectionsPicker implements Picker {
    static final int CANDIDATES = 16;

    private final Backend[] backends;
    private final AtomicInteger start = new AtomicInteger();
    private final AtomicInteger tieTurn = new AtomicInteger();

    LeastConnectionsPicker(List<Backend> list) {
        this.backends = list.toArray(Backend[]::new);
    }

    @Override
    public Backend pick(ClientRequest request) {
        int n = backends.length;
        int offset = (start.getAndIncrement() & Integer.MAX_VALUE) % n;
        int candidates = Math.min(n, CANDIDATES);
        Backend best = backends[offset];
        int ties = 1;
        for (int i = 1; i < candidates; i++) {
            Backend candidate = candidate(offset, i);
            if (Load.lighter(candidate, best)) {
                best = candidate;
                ties = 1;
            } else if (!Load.lighter(best, candidate)) {
                ties++;
            }
        }
        if (ties == 1) {
            return best;
        }
        int skip = (tieTurn.getAndIncrement() & Integer.MAX_VALUE) % ties;
        for (int i = 0; i < candidates; i++) {
            Backend candidate = candidate(offset, i);
            if (!Load.lighter(best, candidate) && skip-- == 0) {
                return candidate;
            }
        }
        return best; // loads changed between the passes and fewer ties remain: the lightest seen is still a fine pick
    }

    private Backend candidate(int offset, int i) {
        int index = offset + i;
        return backends[index < backends.length ? index : index - backends.length];
    }
}
