/**
 * Health of the pool's backends: passive outlier detection on real attempts, active probes, and slow start. Each
 * reports transitions to the {@code BackendPool}, which publishes a new snapshot.
 *
 * <p>Depends on {@code backend} and {@code config}, and on Jetty's client for probes and its scheduler for timers
 * (no threads of its own); never on the core, {@code admin} or a front end.
 */
package dev.balancer.health;
