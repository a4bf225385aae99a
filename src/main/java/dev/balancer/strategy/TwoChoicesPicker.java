package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices (Mitzenmacher): draw two distinct backends at random and keep the better one by the subclass's
 * measure. Nearly as good as always taking the best, O(1) at any pool size, and without every balancer replica
 * herding onto the same "best" backend at once.
 */
abstract class TwoChoicesPicker implements Picker {
    final Backend[] backends;
    private final Supplier<? extends RandomGenerator> random;

    /** @param random per call, the generator to draw from: {@code ThreadLocalRandom::current} in production, seeded in tests */
    TwoChoicesPicker(List<Backend> list, Supplier<? extends RandomGenerator> random) {
        this.backends = list.toArray(Backend[]::new);
        this.random = random;
    }

    @Override
    public final Backend pick(ClientRequest request) {
        int n = backends.length;
        if (n == 1) {
            return backends[0];
        }
        long bits = random.get().nextLong();
        int first = RandomIndex.below(bits >>> 32, n);
        int second = RandomIndex.below(bits, n - 1);
        if (second >= first) {
            second++;
        }
        return better(second, first) ? backends[second] : backends[first];
    }

    /** True when the backend at {@code candidate} should be preferred to the one at {@code incumbent}; ties keep the incumbent. */
    abstract boolean better(int candidate, int incumbent);
}
