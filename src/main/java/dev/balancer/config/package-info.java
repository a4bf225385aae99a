/**
 * Configuration: the one key table ({@link dev.balancer.config.ConfigKey}) that README, web.xml and {@code --help}
 * are checked against, the layered sources, and the parsed, validated settings. A bad value fails with a
 * {@link dev.balancer.config.ConfigException} naming the key, the value and what is allowed.
 *
 * <p>Depends on nothing else of Balancer's. Immutable once parsed; safe to share between threads.
 */
package dev.balancer.config;
