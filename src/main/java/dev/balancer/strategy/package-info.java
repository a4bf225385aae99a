/**
 * Load-balancing strategies: the SPI ({@link dev.balancer.strategy.Strategy}, {@link dev.balancer.strategy.Picker},
 * {@link dev.balancer.strategy.Endpoint}, {@link dev.balancer.strategy.ClientRequest},
 * {@link dev.balancer.strategy.StrategyProvider} with its {@link dev.balancer.strategy.StrategyOptions}), the
 * built-in strategies and their pickers, and {@link dev.balancer.strategy.StrategyRegistry}, which finds one by name.
 *
 * <p><b>Dependencies:</b> the JDK only. Nothing here imports another {@code dev.balancer} package: strategies see
 * backends as {@link dev.balancer.strategy.Endpoint}s (key, effective weight, in flight), read requests through
 * {@link dev.balancer.strategy.ClientRequest}, get their settings as {@link dev.balancer.strategy.StrategyOptions} and
 * report bad ones with {@link dev.balancer.strategy.InvalidOptionException}. The pool ({@code dev.balancer.backend})
 * and the core ({@code dev.balancer}, which turns option errors into configuration errors) depend on this package,
 * never the reverse, so a custom strategy compiles against this package alone.
 *
 * <p><b>Threading:</b>
 * <ul>
 *   <li>{@code Picker.pick} runs on every request, on any thread, many at once: lock-free, and allocation-free except
 *       for what reading a hash key costs. Round robin is one atomic increment; the others read two to four
 *       endpoints' volatile counters and draw from {@code ThreadLocalRandom}.</li>
 *   <li>{@code Strategy.newPicker} is called by the pool one change at a time (the pool's writers serialise on it),
 *       never per request; it may take its time to precompute, but it runs under the pool's lock.</li>
 *   <li>{@code Strategy.attemptEnded} runs on the request path after every attempt, on many threads at once: quick and
 *       non-blocking.</li>
 *   <li>A strategy instance serves one pool and may keep state across its pickers (round robin's position, least
 *       latency's estimates); pickers built by it may be in use at the same time as a newer one.</li>
 * </ul>
 */
package dev.balancer.strategy;
