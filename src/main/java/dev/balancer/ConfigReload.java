package dev.balancer;

import dev.balancer.backend.Backend;
import dev.balancer.config.BackendSpec;
import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigFileWatch;
import dev.balancer.config.ConfigKey;
import dev.balancer.config.ConfigSources;
import dev.balancer.config.DiscoverySettings;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a running balancer's configuration (SIGHUP, or a change of the {@code config} file with
 * {@code configWatch=true}). The whole new configuration is validated first: an invalid one changes nothing, is
 * logged with the key and value at fault and counts in {@code balancer_config_reload_failures_total}. A valid one
 * applies what can change at runtime — the backends (one snapshot swap; unchanged backends keep their state), or with
 * {@code discovery=dns} the name, port and interval resolved — and every other changed key is logged as needing a
 * restart: listener, admin path, strategy, timeouts and health settings are wired into running parts.
 */
public final class ConfigReload implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);
    private static final Set<ConfigKey> DNS_KEYS =
            EnumSet.of(ConfigKey.DISCOVERY_HOST, ConfigKey.DISCOVERY_PORT, ConfigKey.DISCOVERY_INTERVAL);
    private static final Set<ConfigKey> SECRET = EnumSet.of(ConfigKey.ADMIN_TOKEN);

    /**
     * What one reload did.
     *
     * @param error       why nothing changed; null when the configuration was valid
     * @param changes     what was applied, one entry per backend or key
     * @param needRestart the keys that differ from the running configuration but apply only after a restart
     */
    public record Outcome(String error, List<String> changes, List<String> needRestart) {
        public Outcome {
            changes = List.copyOf(changes);
            needRestart = List.copyOf(needRestart);
        }

        public boolean applied() {
            return error == null;
        }
    }

    private final Balancer balancer;
    private final Supplier<ConfigSources> sources;
    private final ClassLoader loader;
    /** What the balancer was started with: keys that need a restart are compared with it. */
    private final ConfigSources started;
    /** What the last good load said: the pool changes only when the backends do, not on every reload. Guarded by this. */
    private ConfigSources last;
    private ConfigFileWatch watch;

    /**
     * @param started the sources the running balancer was configured from
     * @param sources builds the sources afresh (reading the {@code config} file again) for every reload
     * @param loader  loads a strategy given by class name, to validate a changed one
     */
    public ConfigReload(Balancer balancer, ConfigSources started, Supplier<ConfigSources> sources, ClassLoader loader) {
        this.balancer = balancer;
        this.started = started;
        this.last = started;
        this.sources = sources;
        this.loader = loader;
    }

    /** With {@code configWatch=true}, reloads whenever the {@code config} file's content changes. */
    public synchronized ConfigReload watch() {
        if (balancer.config().reload().watch() && watch == null) {
            watch = ConfigFileWatch.start(balancer.config().reload().file(), ConfigFileWatch.EVERY, this::reload, balancer.name());
        }
        return this;
    }

    /** Reads every source again and applies what changed; see the class comment. Never throws. */
    public synchronized Outcome reload() {
        ConfigSources next;
        BalancerConfig config;
        try {
            next = sources.get();
            config = BalancerConfig.from(next);
            ConfiguredStrategy.create(config, loader);
        } catch (ConfigException e) {
            LOG.error("[{}] configuration reload failed, nothing changed: {}", balancer.name(), e.getMessage());
            balancer.admin().configReloadFailed();
            return new Outcome(e.getMessage(), List.of(), List.of());
        }
        boolean dns = balancer.config().discovery().mode() == DiscoverySettings.Mode.DNS;
        List<String> changes = new ArrayList<>();
        if (!dns && changed(last, next, ConfigKey.BACKENDS)) {
            List<BackendSpec> before = balancer.pool().snapshot().members().stream().map(Backend::spec).toList();
            balancer.pool().updateMembers(config.pool().backends());
            changes.addAll(MemberChanges.between(before, config.pool().backends()));
        }
        if (dns && DNS_KEYS.stream().anyMatch(key -> changed(last, next, key))) {
            balancer.rediscover(config.discovery());
            DNS_KEYS.stream().filter(key -> changed(last, next, key)).forEach(key -> changes.add(describe(key, last, next)));
        }
        Set<ConfigKey> runtime = dns ? DNS_KEYS : EnumSet.of(ConfigKey.BACKENDS);
        List<String> needRestart = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            if (!runtime.contains(key) && changed(started, next, key)) {
                needRestart.add(describe(key, started, next));
            }
        }
        last = next;
        LOG.info("[{}] configuration reloaded: {}", balancer.name(), changes.isEmpty() ? "nothing to apply" : String.join("; ", changes));
        if (!needRestart.isEmpty()) {
            LOG.warn("[{}] changed keys that apply only after a restart: {}", balancer.name(), String.join("; ", needRestart));
        }
        return new Outcome(null, changes, needRestart);
    }

    private static boolean changed(ConfigSources before, ConfigSources after, ConfigKey key) {
        return !Objects.equals(before.get(key), after.get(key));
    }

    private static String describe(ConfigKey key, ConfigSources before, ConfigSources after) {
        if (SECRET.contains(key)) {
            return key.key() + " (value not shown)";
        }
        return key.key() + " " + shown(before.get(key)) + " -> " + shown(after.get(key));
    }

    private static String shown(String value) {
        return value == null ? "(unset)" : "'" + value + "'";
    }

    /** Stops watching the file; call before the balancer stops. */
    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }
}
