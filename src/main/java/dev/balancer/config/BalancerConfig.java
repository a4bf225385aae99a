package dev.balancer.config;

import java.time.Duration;

/**
 * Every setting of one balancer, parsed and validated, by concern: each component is handed only its own section
 * ({@code HealthChecks} gets {@link HealthSettings} and {@link OutlierSettings}, discovery gets
 * {@link DiscoverySettings}...). Built at startup, and again for every reload, by {@link #from(ConfigSources)}; a bad value throws
 * {@link ConfigException} naming the key, the value and what is allowed.
 */
public record BalancerConfig(
        PoolSettings pool,
        DiscoverySettings discovery,
        HealthSettings health,
        OutlierSettings outliers,
        TimeoutSettings timeouts,
        RetrySettings retry,
        LimitSettings limits,
        ForwardingSettings forwarding,
        AdminSettings admin,
        ServerSettings server,
        ReloadSettings reload,
        TlsSettings tls,
        BackendTlsSettings backendTls,
        BackendProtocol backendProtocol) {

    public static BalancerConfig from(ConfigSources sources) {
        sources.rejectUnknownKeys();
        Values values = new Values(sources);
        DiscoverySettings discovery = DiscoverySettings.from(values);
        PoolSettings pool = PoolSettings.from(values, discovery.mode());
        return new BalancerConfig(
                pool,
                discovery,
                HealthSettings.from(values),
                OutlierSettings.from(values),
                TimeoutSettings.from(values),
                RetrySettings.from(values),
                LimitSettings.from(values),
                ForwardingSettings.from(values),
                AdminSettings.from(values),
                ServerSettings.from(values),
                ReloadSettings.from(values),
                TlsSettings.from(values),
                BackendTlsSettings.from(values),
                BackendProtocol.from(values, pool.backends()));
    }
}
