package dev.balancer.strategy;

import dev.balancer.config.BalancerConfig;

/**
 * Registers a strategy under a name, for {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/dev.balancer.strategy.StrategyProvider} and set {@code strategy=NAME}.
 */
public interface StrategyProvider {
    /** The value of the {@code strategy} key that selects this provider, e.g. {@code least-latency}. */
    String name();

    /** Creates the strategy; may read the configuration, and throw {@link dev.balancer.config.ConfigException}. */
    Strategy create(BalancerConfig config);
}
