/**
 * The balancing core, shared by both front ends: {@link dev.balancer.Balancer} owns the pool, strategy, health
 * checks, discovery, sticky sessions, limits, retries, admin telemetry and graceful drain, and answers every
 * question about a request once, as a value the front end executes: {@link dev.balancer.Route} (forward or refuse)
 * and, after a failed attempt, {@link dev.balancer.Recovery} (retry, reply or abort). {@link dev.balancer.Exchange}
 * records what happened to one request. {@link dev.balancer.ConfigReload} applies a reloaded configuration to a
 * running balancer. {@link dev.balancer.ExpectContinue} lets the backend answer a client's 100-continue, for both
 * front ends' backend clients.
 *
 * <p>Depends on its parts ({@code strategy}, {@code backend}, {@code health}, {@code discovery}, {@code admin},
 * {@code config}, {@code tls}) and on Jetty's client and HTTP types; never on a front end, and never on Jetty's server API or
 * the servlet API (the WAR loads it without the first, the jar's request path runs without the second).
 *
 * <p>Threads: called from the front ends' request threads, many at once. Routing reads one immutable pool snapshot
 * and takes no lock; an {@code Exchange} is touched by one thread at a time (its fields are volatile where the
 * client and backend sides report from different threads).
 */
package dev.balancer;
