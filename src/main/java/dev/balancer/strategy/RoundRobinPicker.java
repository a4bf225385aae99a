package dev.balancer.strategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin. nginx runs its algorithm per request under a single-threaded event loop; here the
 * whole cycle (sum of weights, reduced by their gcd) is computed once when the picker is built, so a pick is one
 * atomic increment and two array reads: no lock, no allocation, no CAS retry loop.
 */
final class RoundRobinPicker<E extends Endpoint> implements Picker<E> {
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
        int[] weights = new int[endpoints.length];
        int gcd = 0;
        for (int i = 0; i < endpoints.length; i++) {
            weights[i] = endpoints[i].effectiveWeight();
            gcd = gcd(gcd, weights[i]);
        }
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= gcd;
            total += weights[i];
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

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
