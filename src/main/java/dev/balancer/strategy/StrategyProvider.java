package dev.balancer.strategy;

/**
 * Registers a strategy under a name, for {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/dev.balancer.strategy.StrategyProvider} and set {@code strategy=NAME}.
 */
public interface StrategyProvider {
    /** The value of the {@code strategy} key that selects this provider, e.g. {@code least-latency}. */
    String name();

    /**
     * Creates a new strategy for one pool (a strategy may keep per-pool state, so do not hand out a shared instance
     * unless it keeps none).
     *
     * @throws InvalidOptionException (or an {@link IllegalArgumentException} with a message) when an option is unusable
     */
    Strategy create(StrategyOptions options);
}
