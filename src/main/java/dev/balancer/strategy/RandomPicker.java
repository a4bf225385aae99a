package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Weighted random: a uniform draw over the cumulative weights, found by binary search. */
final class RandomPicker implements Picker {
    private final Backend[] backends;
    private final long[] cumulative;

    RandomPicker(List<Backend> list) {
        this.backends = list.toArray(Backend[]::new);
        this.cumulative = new long[backends.length];
        long sum = 0;
        boolean equal = true;
        for (int i = 0; i < backends.length; i++) {
            sum += backends[i].effectiveWeight();
            cumulative[i] = sum;
            equal &= backends[i].effectiveWeight() == backends[0].effectiveWeight();
        }
        if (equal) {
            Arrays.fill(cumulative, 0);
        }
    }

    @Override
    public Backend pick(ClientRequest request) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (cumulative[0] == 0) {
            return backends[random.nextInt(backends.length)];
        }
        int index = Arrays.binarySearch(cumulative, random.nextLong(cumulative[cumulative.length - 1]) + 1);
        return backends[index >= 0 ? index : -index - 1];
    }
}
