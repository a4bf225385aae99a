/**
 * The backends of one balancer and their states: {@link dev.balancer.backend.Backend} (which strategies see as a
 * {@link dev.balancer.strategy.Endpoint}), {@link dev.balancer.backend.BackendPool} with its states and transitions,
 * and the frozen {@link dev.balancer.backend.PoolSnapshot} the request path reads. Observers of attempts and probes
 * ({@link dev.balancer.backend.AttemptObserver}, {@link dev.balancer.backend.ProbeObserver}) serve passive health,
 * metrics and the status page.
 *
 * <p><b>Dependencies:</b> {@code dev.balancer.strategy} (the SPI the pool drives), {@code dev.balancer.config} (the
 * backend specs it is built from), SLF4J and, in {@link dev.balancer.backend.Failures}, Jetty's client exceptions.
 * Health checks, discovery, admin and the core depend on this package, not it on them.
 *
 * <p><b>Threading:</b>
 * <ul>
 *   <li>The request path reads {@link dev.balancer.backend.BackendPool#snapshot()} (one volatile read) and picks
 *       through it: no lock, no allocation beyond what a hash strategy's key costs.</li>
 *   <li>Writers (health checks, passive outlier detection, slow start, discovery, operators) serialise on the pool
 *       object; each change builds a new picker and publishes a new snapshot as a whole, then tells listeners on the
 *       writer's thread.</li>
 *   <li>A backend's in-flight count and effective weight change without locks and only through the pool (attempts
 *       started and ended on the request path, weights under the pool's lock), so strategies only ever read them.</li>
 * </ul>
 */
package dev.balancer.backend;
