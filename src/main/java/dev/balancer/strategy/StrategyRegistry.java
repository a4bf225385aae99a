package dev.balancer.strategy;

import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Strategies by name: the built-ins, then every {@link StrategyProvider} that {@link ServiceLoader} finds (a provider
 * may not replace a built-in), and finally any class name, instantiated directly. Each call to {@link #create} makes a
 * new strategy, since a strategy may keep state for the one pool it serves.
 */
public final class StrategyRegistry {
    private final Map<String, Function<StrategyOptions, Strategy>> byName = new LinkedHashMap<>();

    private StrategyRegistry() {
        byName.put("round-robin", options -> Strategy.roundRobin());
        byName.put("random", options -> Strategy.random());
        byName.put("least-connections", options -> Strategy.leastConnections());
        byName.put("power-of-two", options -> Strategy.powerOfTwo());
        byName.put("hash", options -> Strategy.hash(HashKey.parse(options.hashOn(), options.trustForwardedFor())));
        byName.put("least-latency", options -> Strategy.leastLatency(options.latencyDecay()));
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

    /**
     * A new strategy of the given name, or of the class so named (loaded by {@code loader}).
     *
     * @throws InvalidOptionException listing the choices when there is no such strategy, or naming the option a
     *                                strategy rejected; a provider may also throw a plain {@link IllegalArgumentException}
     */
    public Strategy create(String name, StrategyOptions options, ClassLoader loader) {
        Function<StrategyOptions, Strategy> factory = byName.get(name);
        if (factory != null) {
            return factory.apply(options);
        }
        if (name.contains(".")) {
            return fromClass(name, options, loader);
        }
        throw new InvalidOptionException(StrategyOptions.STRATEGY, name,
                "one of " + String.join(", ", byName.keySet()) + ", or the class name of a Strategy or StrategyProvider");
    }

    private static Strategy fromClass(String className, StrategyOptions options, ClassLoader loader) {
        String key = StrategyOptions.STRATEGY;
        Object instance;
        try {
            instance = Class.forName(className, true, loader).getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new InvalidOptionException(key, className, "no such class on the classpath; a built-in name or the class name of a Strategy");
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw new InvalidOptionException(key, className, "the class needs a public no-argument constructor");
        } catch (InvocationTargetException e) {
            throw new InvalidOptionException(key, className, "its constructor failed: " + e.getCause());
        }
        if (instance instanceof Strategy strategy) {
            return strategy;
        }
        if (instance instanceof StrategyProvider provider) {
            return provider.create(options);
        }
        throw new InvalidOptionException(key, className, "the class must implement " + Strategy.class.getName()
                + " or " + StrategyProvider.class.getName());
    }
}
