package dev.balancer;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigKey;
import dev.balancer.config.PoolSettings;
import dev.balancer.strategy.InvalidOptionException;
import dev.balancer.strategy.Strategy;
import dev.balancer.strategy.StrategyOptions;
import dev.balancer.strategy.StrategyRegistry;

/**
 * The strategy a configuration names, with the strategy package's errors turned into configuration errors: the one
 * place that knows both, so the strategy package depends on nothing of Balancer's and configuration knows no strategy.
 */
public final class ConfiguredStrategy {
    private ConfiguredStrategy() {}

    /**
     * A new strategy for one pool.
     *
     * @param loader loads a strategy given by class name, and the {@link dev.balancer.strategy.StrategyProvider}s
     * @throws ConfigException naming key, value and the choices when the strategy cannot be created
     */
    public static Strategy create(BalancerConfig config, ClassLoader loader) {
        PoolSettings pool = config.pool();
        StrategyOptions options = new StrategyOptions(pool.hashOn(), config.forwarding().trustForwardedFor(), pool.latencyDecay());
        try {
            return StrategyRegistry.load(loader).create(pool.strategy(), options, loader);
        } catch (InvalidOptionException e) {
            throw new ConfigException(e.key(), e.value(), e.allowed());
        } catch (IllegalArgumentException e) {
            // A provider's own rejection, without a key: reported against the strategy it was asked for.
            throw new ConfigException(ConfigKey.STRATEGY.key(), pool.strategy(), String.valueOf(e.getMessage()));
        }
    }
}
