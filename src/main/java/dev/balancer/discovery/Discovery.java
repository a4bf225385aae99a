package dev.balancer.discovery;

import dev.balancer.backend.BackendPool;
import dev.balancer.config.DiscoverySettings;

/**
 * Keeps a pool's members in step with where the backends are: for {@code discovery=static} the configured list,
 * which never changes; for {@code discovery=dns} the addresses {@code discoveryHost} resolves to, re-resolved every
 * {@code discoveryInterval}.
 */
public interface Discovery extends AutoCloseable {

    /** Starts discovery for the pool; the first DNS resolution happens before this returns. */
    static Discovery start(BackendPool pool, DiscoverySettings settings) {
        return switch (settings.mode()) {
            case STATIC -> () -> { };
            case DNS -> DnsDiscovery.start(pool, settings.host(), settings.port(), settings.interval());
        };
    }

    /** Stops re-resolving; the pool keeps the members it has. */
    @Override
    void close();
}
