package com.example.balancer;

import dev.balancer.strategy.Strategy;
import dev.balancer.strategy.StrategyOptions;
import dev.balancer.strategy.StrategyProvider;

/** Registers {@link FirstAvailableStrategy} as {@code strategy=first-available} through ServiceLoader. */
public final class FirstAvailableProvider implements StrategyProvider {
    @Override
    public String name() {
        return "first-available";
    }

    @Override
    public Strategy create(StrategyOptions options) {
        return new FirstAvailableStrategy();
    }
}
