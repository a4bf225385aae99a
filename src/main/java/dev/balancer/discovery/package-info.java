/**
 * Where the backends are: the static list, or DNS (a headless Service's addresses), kept in step with the pool.
 *
 * <p>Depends on {@code backend} and {@code config}; never on the core, {@code admin} or a front end. DNS discovery
 * resolves on a single scheduler thread of its own and replaces the pool's members in one update.
 */
package dev.balancer.discovery;
