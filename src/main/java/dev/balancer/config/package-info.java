/**
 * Configuration: the one key table ({@link dev.balancer.config.ConfigKey}, each key with its default and what it
 * {@linkplain dev.balancer.config.Allowed allows}) that the parsers check against and README, web.xml and
 * {@code --help} are checked against; the layered sources; typed reads ({@link dev.balancer.config.Values}); and the
 * parsed settings, one small record per concern ({@link dev.balancer.config.HealthSettings},
 * {@link dev.balancer.config.PoolSettings}...), gathered in {@link dev.balancer.config.BalancerConfig}. A bad value
 * fails with a {@link dev.balancer.config.ConfigException} naming the key, the value and what is allowed.
 *
 * The {@code config} file ({@link dev.balancer.config.ConfigFile}) is one layer, read again on every reload;
 * {@link dev.balancer.config.ConfigFileWatch} notices when its content changes ({@code configWatch}).
 *
 * <p>Depends on nothing else of Balancer's (SLF4J for the watch's log lines). Immutable once parsed; safe to share
 * between threads. The watch checks on a daemon thread of its own.
 */
package dev.balancer.config;
