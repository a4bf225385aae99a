package dev.balancer.strategy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted random by Vose's alias method: one uniform slot and one coin per pick, O(1) at any pool size. Each slot
 * holds its own endpoint with probability {@code keep[slot]} and otherwise its alias, built so that every endpoint's
 * total share equals its weight's.
 */
final class RandomPicker<E extends Endpoint> implements Picker<E> {
    private final E[] endpoints;
    private final double[] keep;
    private final int[] alias;

    RandomPicker(List<E> list) {
        int n = list.size();
        this.endpoints = Endpoints.array(list);
        this.keep = new double[n];
        this.alias = new int[n];
        double total = list.stream().mapToDouble(Endpoint::effectiveWeight).sum();
        double[] scaled = new double[n];
        Deque<Integer> small = new ArrayDeque<>();
        Deque<Integer> large = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            scaled[i] = endpoints[i].effectiveWeight() * n / total;
            (scaled[i] < 1 ? small : large).push(i);
        }
        while (!small.isEmpty() && !large.isEmpty()) {
            int less = small.pop();
            int more = large.pop();
            keep[less] = scaled[less];
            alias[less] = more;
            scaled[more] -= 1 - scaled[less];
            (scaled[more] < 1 ? small : large).push(more);
        }
        // What is left is 1 up to rounding: those slots keep their own endpoint.
        for (int i : large) {
            keep[i] = 1;
        }
        for (int i : small) {
            keep[i] = 1;
        }
    }

    @Override
    public E pick(ClientRequest request) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int slot = random.nextInt(endpoints.length);
        return random.nextDouble() < keep[slot] ? endpoints[slot] : endpoints[alias[slot]];
    }
}
