package dev.balancer.strategy;

import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices (Mitzenmacher): draw two distinct endpoints at random and keep the better one by the subclass's
 * measure. Nearly as good as always taking the best, O(1) at any pool size, and without every balancer replica
 * herding onto the same "best" endpoint at once.
 */
abstract class TwoChoicesPicker<E extends Endpoint> implements Picker<E> {
    final E[] endpoints;
    private final Supplier<? extends RandomGenerator> random;

    /** @param random per call, the generator to draw from: {@code ThreadLocalRandom::current} in production, seeded in tests */
    TwoChoicesPicker(List<E> list, Supplier<? extends RandomGenerator> random) {
        this.endpoints = Endpoints.array(list);
        this.random = random;
    }

    @Override
    public final E pick(ClientRequest request) {
        int n = endpoints.length;
        if (n == 1) {
            return endpoints[0];
        }
        long bits = random.get().nextLong();
        int first = RandomIndex.below(bits >>> 32, n);
        int second = RandomIndex.below(bits, n - 1);
        if (second >= first) {
            second++;
        }
        return better(second, first) ? endpoints[second] : endpoints[first];
    }

    /** True when the endpoint at {@code candidate} should be preferred to the one at {@code incumbent}; ties keep the incumbent. */
    abstract boolean better(int candidate, int incumbent);
}
