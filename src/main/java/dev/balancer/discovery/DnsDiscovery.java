package dev.balancer.discovery;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.config.BackendSpec;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend per address of a host name, re-resolved on a fixed delay: a Kubernetes headless Service answers with
 * one A/AAAA record per ready pod. New addresses join the pool healthy; vanished ones leave it (they get no new
 * requests, in-flight ones finish); survivors keep their state and counters ({@link BackendPool#updateMembers}).
 * A failed or empty answer keeps the last good set: DNS blinking must never empty the pool.
 *
 * <p>Resolution blocks (the system resolver may wait seconds), so it runs on a thread of its own, never on the
 * HTTP client's scheduler, whose timers time out requests.
 */
final class DnsDiscovery implements Discovery {
    private static final Logger LOG = LoggerFactory.getLogger(DnsDiscovery.class);

    private final BackendPool pool;
    private final String host;
    private final int port;
    private final ScheduledExecutorService timer;

    private DnsDiscovery(BackendPool pool, String host, int port) {
        this.pool = pool;
        this.host = host;
        this.port = port;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "balancer-dns-" + pool.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    static DnsDiscovery start(BackendPool pool, String host, int port, Duration interval) {
        LOG.info("[{}] discovering backends: http://{}:{}, resolved every {} ms; {}", pool.name(), host, port,
                interval.toMillis(), JvmDnsCache.ensureFreshLate());
        DnsDiscovery discovery = new DnsDiscovery(pool, host, port);
        discovery.refresh();
        discovery.timer.scheduleWithFixedDelay(discovery::refresh, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
        return discovery;
    }

    /** One resolution. Never throws: an exception would silently cancel the periodic task. */
    void refresh() {
        List<BackendSpec> resolved;
        try {
            resolved = specs(Arrays.asList(InetAddress.getAllByName(host)), port);
        } catch (UnknownHostException e) {
            keep("resolution failed: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            keep("resolution failed: " + e);
            return;
        }
        if (resolved.isEmpty()) {
            keep("no addresses");
            return;
        }
        List<BackendSpec> current = pool.snapshot().members().stream().map(Backend::spec).toList();
        if (resolved.equals(current)) {
            return;
        }
        pool.updateMembers(resolved);
        LOG.info("[{}] {} now resolves to {} addresses: added {}, removed {}", pool.name(), host, resolved.size(),
                urls(minus(resolved, current)), urls(minus(current, resolved)));
    }

    private void keep(String why) {
        LOG.warn("[{}] DNS discovery of {}: {}; keeping the last good set of {} backends", pool.name(), host, why,
                pool.snapshot().members().size());
    }

    /**
     * One plain backend ({@code http://address:port}, weight 1) per distinct address, sorted by URL: the order DNS
     * answers in (often rotated per query) must not matter, so every replica builds the same pool.
     */
    static List<BackendSpec> specs(Collection<InetAddress> addresses, int port) {
        return addresses.stream()
                .map(address -> BackendSpec.of(URI.create("http://" + literal(address) + ":" + port)))
                .distinct()
                .sorted(Comparator.comparing(spec -> spec.url().toString()))
                .toList();
    }

    /** The address as a URL host; an IPv6 zone id cannot travel in a URL host, and pod addresses need none. */
    private static String literal(InetAddress address) {
        if (address instanceof Inet6Address) {
            try {
                return "[" + InetAddress.getByAddress(address.getAddress()).getHostAddress() + "]";
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are always an IPv6 address", e);
            }
        }
        return address.getHostAddress();
    }

    private static List<BackendSpec> minus(List<BackendSpec> from, List<BackendSpec> removed) {
        List<BackendSpec> rest = new ArrayList<>(from);
        rest.removeAll(removed);
        return rest;
    }

    private static List<String> urls(List<BackendSpec> specs) {
        return specs.stream().map(spec -> spec.url().toString()).toList();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
