package dev.balancer.strategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin. nginx runs its algorithm per request under a single-threaded event loop; here the
 * whole cycle (sum of weights, reduced by their gcd, at most {@value #MAX_CYCLE} entries) is computed once when the
 * picker is built, so a pick is one atomic increment and two array reads: no lock, no allocation, no CAS retry loop.
 */
final class RoundRobinPicker<E extends Endpoint> implements Picker<E> {
    /**
     * The longest cycle: 2^16 entries, 256 KiB. The cycle is built under the pool's lock on every slow-start step in
     * O(entries × endpoints) time, and the sum of weights is unbounded (1,000 backends of weight up to 1,000 would
     * make 500,500 entries and 5 × 10^8 steps; capped, 6.5 × 10^7 steps, measured at 40 ms on one core). Beyond it weights are scaled down in proportion,
     * each kept at 1 or more, so each endpoint's number of entries is off from its exact share by half an entry at
     * most, about 1/130,000 of the requests with 1,000 endpoints (only an endpoint raised to 1 gains more: a weight-1 endpoint
     * among weights up to 1,000 gets 1 entry where its exact share is 0.13).
     */
    static final int MAX_CYCLE = 1 << 16;

    private final E[] endpoints;
    private final int[] cycle;
    /** The strategy's turn counter, shared by every picker it builds, so a rebuild continues the rotation. */
    private final AtomicInteger next;

    RoundRobinPicker(List<E> list, AtomicInteger next) {
        this.endpoints = Endpoints.array(list);
        this.cycle = smoothCycle(endpoints);
        this.next = next;
    }

    @Override
    public E pick(ClientRequest request) {
        int turn = next.getAndIncrement() & Integer.MAX_VALUE;
        return endpoints[cycle == null ? turn % endpoints.length : cycle[turn % cycle.length]];
    }

    /** The order nginx's smooth weighted round robin visits endpoints in over one cycle; null when all weights are equal. */
    static int[] smoothCycle(Endpoint[] endpoints) {
        int[] weights = weights(endpoints);
        long total = 0;
        for (int weight : weights) {
            total += weight;
        }
        if (total == endpoints.length) {
            return null;
        }
        int[] cycle = new int[(int) total];
        long[] current = new long[weights.length];
        for (int step = 0; step < cycle.length; step++) {
            int best = 0;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle[step] = best;
        }
        return cycle;
    }

    /** The effective weights reduced by their gcd, and scaled down if they sum beyond {@link #MAX_CYCLE}. */
    static int[] weights(Endpoint[] endpoints) {
        int n = endpoints.length;
        int[] weights = new int[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = endpoints[i].effectiveWeight();
            total += weights[i];
        }
        if (total > MAX_CYCLE) {
            // Each scaled weight is its share of (MAX_CYCLE - n) rounded, at most 1 above it (when raised to 1): the sum
            // stays within MAX_CYCLE. With more endpoints than that leaves room for, weights are equal.
            double scale = Math.max(0, MAX_CYCLE - n) / (double) total;
            for (int i = 0; i < n; i++) {
                weights[i] = (int) Math.max(1, Math.round(weights[i] * scale));
            }
        }
        int gcd = 0;
        for (int weight : weights) {
            gcd = gcd(gcd, weight);
        }
        for (int i = 0; i < n; i++) {
            weights[i] /= gcd;
        }
        return weights;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
