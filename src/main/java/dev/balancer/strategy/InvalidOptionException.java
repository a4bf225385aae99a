package dev.balancer.strategy;

/**
 * A setting a strategy cannot work with. It carries the key, the rejected value and what would have been accepted,
 * so the caller can report it as any other configuration error (Balancer turns it into its
 * {@code ConfigException}) without this package knowing how configuration is read.
 */
public final class InvalidOptionException extends IllegalArgumentException {
    private final String key;
    private final String value;
    private final String allowed;

    /**
     * @param key     the setting's name, e.g. {@code hashOn}
     * @param value   the rejected value, or null when it was missing
     * @param allowed what would have been accepted, in words an operator can act on
     */
    public InvalidOptionException(String key, String value, String allowed) {
        super(key + "=" + (value == null ? "(missing)" : "'" + value + "'") + ": " + allowed);
        this.key = key;
        this.value = value;
        this.allowed = allowed;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    public String allowed() {
        return allowed;
    }
}
