package dev.balancer.strategy;

import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** Power of two choices by load: of two random endpoints, the one with fewer in-flight requests for its weight. */
final class PowerOfTwoPicker<E extends Endpoint> extends TwoChoicesPicker<E> {

    PowerOfTwoPicker(List<E> list, Supplier<? extends RandomGenerator> random) {
        super(list, random);
    }

    @Override
    boolean better(int candidate, int incumbent) {
        return Load.lighter(endpoints[candidate], endpoints[incumbent]);
    }
}
