package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted random by Vose's alias method: one uniform slot and one coin per pick, O(1) at any pool size. Each slot
 * holds its own backend with probability {@code keep[slot]} and otherwise its alias, built so that every backend's
 * total share equals its weight's.
 */
final class RandomPicker implements Picker {
    private final Backend[] backends;
    private final double[] keep;
    private final int[] alias;

    RandomPicker(List<Backend> list) {
        int n = list.size();
        this.backends = list.toArray(Backend[]::new);
        this.keep = new double[n];
        this.alias = new int[n];
        double total = list.stream().mapToDouble(Backend::effectiveWeight).sum();
        double[] scaled = new double[n];
        Deque<Integer> small = new ArrayDeque<>();
        Deque<Integer> large = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            scaled[i] = backends[i].effectiveWeight() * n / total;
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
        // What is left is 1 up to rounding: those slots keep their own backend.
        for (int i : large) {
            keep[i] = 1;
        }
        for (int i : small) {
            keep[i] = 1;
        }
    }

    @Override
    public Backend pick(ClientRequest request) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int slot = random.nextInt(backends.length);
        return random.nextDouble() < keep[slot] ? backends[slot] : backends[alias[slot]];
    }
}
