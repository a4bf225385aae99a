package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** Power of two choices by load: of two random backends, the one with fewer in-flight requests for its weight. */
final class PowerOfTwoPicker extends TwoChoicesPicker {

    PowerOfTwoPicker(List<Backend> list, Supplier<? extends RandomGenerator> random) {
        super(list, random);
    }

    @Override
    boolean better(int candidate, int incumbent) {
        return Load.lighter(backends[candidate], backends[incumbent]);
    }
}
