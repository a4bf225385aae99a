package dev.balancer.strategy;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigKey;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Strategies by name: the built-ins, then every {@link StrategyProvider} that {@link ServiceLoader} finds (a provider
 * may not replace a built-in), and finally any class name, instantiated directly.
 */
public final class StrategyRegistry {
    private final Map<String, Function<BalancerConfig, Strategy>> byName = new LinkedHashMap<>();

    private StrategyRegistry() {
        byName.put("round-robin", config -> Strategy.roundRobin());
        byName.put("random", config -> Strategy.random());
        byName.put("least-connections", config -> Strategy.leastConnections());
        byName.put("power-of-two", config -> Strategy.powerOfTwo());
        byName.put("hash", config -> Strategy.hash(HashKey.parse(config.hashOn(), config.trustForwardedFor())));
        byName.put("least-latency", config -> Strategy.leastLatency(config.latencyDecay()));
    }

    /** Built-ins plus the providers visible to {@code loader} (in a web application: its class loader). */
    public static StrategyRegistry load(ClassLoader loader) {
        StrategyRegistry registry = new StrategyRegistry();
        for (StrategyProvider provider : ServiceLoader.load(StrategyProvider.class, loader)) {
            registry.byName.putIfAbsent(provider.name(), provider::create);
        }
        return registry;
    }

    public Iterable<String> names() {
        return byName.keySet();
    }

    /** The strategy the configuration names; a {@link ConfigException} listing the choices when there is none. */
    public Strategy create(BalancerConfig config, ClassLoader loader) {
        String name = config.strategy();
        Function<BalancerConfig, Strategy> factory = byName.get(name);
        if (factory != null) {
            return factory.apply(config);
        }
        if (name.contains(".")) {
            return fromClass(name, config, loader);
        }
        throw new ConfigException(ConfigKey.STRATEGY.key(), name,
                "one of " + String.join(", ", byName.keySet()) + ", or the class name of a Strategy or StrategyProvider");
    }

    private static Strategy fromClass(String className, BalancerConfig config, ClassLoader loader) {
        String key = ConfigKey.STRATEGY.key();
        Object instance;
        try {
            instance = Class.forName(className, true, loader).getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new ConfigException(key, className, "no such class on the classpath; a built-in name or the class name of a Strategy");
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw new ConfigException(key, className, "the class needs a public no-argument constructor");
        } catch (InvocationTargetException e) {
            throw new ConfigException(key, className, "its constructor failed: " + e.getCause());
        }
        if (instance instanceof Strategy strategy) {
            return strategy;
        }
        if (instance instanceof StrategyProvider provider) {
            return provider.create(config);
        }
        throw new ConfigException(key, className, "the class must implement " + Strategy.class.getName()
                + " or " + StrategyProvider.class.getName());
    }
}
