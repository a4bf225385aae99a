package dev.balancer.strategy;

import java.util.List;

/** Consistent hashing: each picker is a ring over the available endpoints, placed by their keys alone. */
record HashStrategy(HashKey key) implements Strategy {
    @Override
    public <E extends Endpoint> Picker<E> newPicker(List<E> endpoints) {
        return new HashRingPicker<>(endpoints, key);
    }
}
