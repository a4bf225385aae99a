package com.example.balancer;

import dev.balancer.strategy.Endpoint;
import dev.balancer.strategy.Picker;
import dev.balancer.strategy.Strategy;
import java.util.List;

/**
 * Active-passive failover: every request goes to the first available backend in configured order; the next one
 * takes over only while the ones before it are unavailable. Use it with {@code strategy=com.example.balancer.FirstAvailableStrategy}
 * or, through {@link FirstAvailableProvider}, with {@code strategy=first-available}.
 */
public final class FirstAvailableStrategy implements Strategy {
    @Override
    public <E extends Endpoint> Picker<E> newPicker(List<E> endpoints) {
        E first = endpoints.get(0);
        return request -> first;
    }
}
