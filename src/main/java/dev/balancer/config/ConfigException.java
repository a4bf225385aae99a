package dev.balancer.config;

/**
 * A configuration value that Balancer cannot start with. The message always names the key,
 * the rejected value and what would have been accepted, so an operator can fix it from the log alone.
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String value, String allowed) {
        super("Invalid configuration: " + key + "=" + (value == null ? "(missing)" : "'" + value + "'") + ": " + allowed);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
