package dev.balancer.strategy;

import java.time.Duration;

/**
 * The settings strategies read, as values: what a {@link StrategyProvider} gets instead of the whole configuration,
 * so this package does not depend on how configuration is read. Parsing {@link #hashOn} belongs to the strategy that
 * uses it ({@link HashKey#parse}); a provider that rejects a value throws {@link InvalidOptionException}.
 *
 * @param hashOn            {@code hashOn}: what {@code strategy=hash} hashes on, unparsed (e.g. {@code header:X-User})
 * @param trustForwardedFor {@code trustForwardedFor}: whether the client's X-Forwarded-For names the client
 * @param latencyDecay      {@code latencyDecay}: the time constant of least-latency's estimates, positive
 */
public record StrategyOptions(String hashOn, boolean trustForwardedFor, Duration latencyDecay) {
    /** The key naming the strategy; {@link StrategyRegistry} reports unknown names under it. */
    public static final String STRATEGY = "strategy";
    /** The key of {@link #hashOn}; {@link HashKey#parse} reports a bad value under it. */
    public static final String HASH_ON = "hashOn";
}
