package dev.balancer.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where configuration values come from, in order of precedence: the first layer that has a key wins.
 * The servlet stacks init-params, context-params, the {@code config} file, system properties and environment; the
 * runnable jar stacks flags, the {@code config} file, system properties and environment.
 */
public final class ConfigSources {
    private record Layer(String name, Map<String, String> values, boolean strict) {}

    private static final Pattern SERVICE_LINK = Pattern.compile("(tcp|udp|sctp)://");

    private final List<Layer> layers = new ArrayList<>();

    /**
     * Adds a layer below the ones already added. In a strict layer an unknown key is an error;
     * context-params are not strict, because they belong to the whole web application.
     */
    public ConfigSources add(String name, Map<String, String> values, boolean strict) {
        layers.add(new Layer(name, Map.copyOf(values), strict));
        return this;
    }

    /** System properties named {@code balancer.KEY}, strict: a typo in a -D flag must not pass silently. */
    public ConfigSources addSystemProperties(Properties properties) {
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().stream()
                .filter(name -> name.startsWith("balancer."))
                .forEach(name -> values.put(name.substring("balancer.".length()), properties.getProperty(name)));
        return add("system property", values, true);
    }

    /**
     * Environment variables named {@code BALANCER_KEY}. Not strict: Kubernetes injects {@code BALANCER_SERVICE_HOST}
     * and friends for a Service called "balancer" — including {@code BALANCER_PORT=tcp://10.0.0.1:80}, a service
     * link and not our {@code port}, so such values are skipped.
     */
    public ConfigSources addEnvironment(Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            String value = environment.get(key.envName());
            if (value != null && !SERVICE_LINK.matcher(value).lookingAt()) {
                values.put(key.key(), value);
            }
        }
        return add("environment", values, false);
    }

    /**
     * Inserts the layer of the properties file that {@code config} names (in any layer so far) below the first
     * {@code above} layers: below what the deployment itself says (flags; init- and context-params), above system
     * properties and environment. No-op without {@code config}.
     *
     * @throws ConfigException when the file cannot be read, or itself sets {@code config}
     */
    public ConfigSources withConfigFile(int above) {
        String file = get(ConfigKey.CONFIG);
        if (file == null || file.isBlank()) {
            return this;
        }
        Map<String, String> values = ConfigFile.read(file);
        if (values.containsKey(ConfigKey.CONFIG.key())) {
            throw new ConfigException(ConfigKey.CONFIG.key(), values.get(ConfigKey.CONFIG.key()),
                    "not settable in the config file itself (" + file + ")");
        }
        layers.add(Math.min(above, layers.size()), new Layer(ConfigFile.layerName(file), Map.copyOf(values), true));
        return this;
    }

    /** The value of a key from the first layer that sets it, else its default (may be null). */
    public String get(ConfigKey key) {
        for (Layer layer : layers) {
            String value = layer.values().get(key.key());
            if (value != null) {
                return value.trim();
            }
        }
        return key.defaultValue();
    }

    /** Whether some layer sets the key: a default derived from another key applies only when none does. */
    public boolean isSet(ConfigKey key) {
        return layers.stream().anyMatch(layer -> layer.values().containsKey(key.key()));
    }

    /** Fails on the first key no layer should carry, suggesting the nearest known one. */
    public void rejectUnknownKeys() {
        for (Layer layer : layers) {
            if (!layer.strict()) {
                continue;
            }
            for (String name : layer.values().keySet()) {
                if (ConfigKey.byKey(name).isEmpty()) {
                    throw new ConfigException(name, layer.values().get(name),
                            "unknown key (" + layer.name() + "); did you mean '" + ConfigKey.closest(name) + "'?");
                }
            }
        }
    }
}
