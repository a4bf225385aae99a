package dev.balancer.strategy;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The built-ins that keep nothing between pickers, so one instance of each serves every pool. */
enum StatelessStrategy implements Strategy {
    RANDOM {
        @Override
        public <E extends Endpoint> Picker<E> newPicker(List<E> endpoints) {
            return new RandomPicker<>(endpoints);
        }
    },
    LEAST_CONNECTIONS {
        @Override
        public <E extends Endpoint> Picker<E> newPicker(List<E> endpoints) {
            return new LeastConnectionsPicker<>(endpoints);
        }
    },
    POWER_OF_TWO {
        @Override
        public <E extends Endpoint> Picker<E> newPicker(List<E> endpoints) {
            return new PowerOfTwoPicker<>(endpoints, ThreadLocalRandom::current);
        }
    }
}
