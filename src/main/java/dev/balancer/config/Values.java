package dev.balancer.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads of {@link ConfigSources}: each parser checks the value against the key's {@link ConfigKey#allowed()}
 * and fails with a {@link ConfigException} naming the key, the value and that allowed range. The section factories
 * ({@code HealthSettings.from(values)}...) read only through here.
 */
public final class Values {
    /** An HTTP token (RFC 9110), as cookie names and bearer tokens must be. */
    static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    /** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens; a trailing dot is allowed. */
    static final String HOST_NAME =
            "(?=.{1,253}\\.?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?";

    /** What {@link #size} returns for {@code unlimited}, where the key allows it. */
    public static final long UNLIMITED = -1;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(b|kb|kib|mb|mib|gb|gib)?");
    /** Longer than any sensible timeout or interval, and far from overflowing the nanosecond timers. */
    private static final Duration MAX_DURATION = Duration.ofDays(7);

    private final ConfigSources sources;

    public Values(ConfigSources sources) {
        this.sources = sources;
    }

    /** The value as given (trimmed), else the key's default; null when neither exists. */
    public String raw(ConfigKey key) {
        return sources.get(key);
    }

    /** Whether some source sets the key, as opposed to it falling back to its default. */
    public boolean isSet(ConfigKey key) {
        return sources.isSet(key);
    }

    /** The error for this key's current value, with what is allowed in words of the caller's choosing. */
    public ConfigException invalid(ConfigKey key, String allowed) {
        return new ConfigException(key.key(), raw(key), allowed);
    }

    private ConfigException invalid(ConfigKey key) {
        return invalid(key, key.allowed().message());
    }

    private <A extends Allowed> A allowed(ConfigKey key, Class<A> type) {
        // A key read with the wrong parser is a programming error, caught by any test that parses a configuration.
        return type.cast(key.allowed());
    }

    public int integer(ConfigKey key) {
        Allowed.IntRange range = allowed(key, Allowed.IntRange.class);
        try {
            int n = Integer.parseInt(raw(key));
            if (n >= range.min() && n <= range.max()) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key);
    }

    /** An integer in the key's range, or 0 for {@code 0} and {@code off}. */
    public int countOrOff(ConfigKey key) {
        Allowed.CountOrOff range = allowed(key, Allowed.CountOrOff.class);
        String value = raw(key);
        if ("off".equalsIgnoreCase(value) || "0".equals(value)) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= range.min() && n <= range.max()) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key);
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h} or {@code 0}, up to 7 days; zero only where the key allows it. */
    public Duration duration(ConfigKey key) {
        Allowed.DurationRange range = allowed(key, Allowed.DurationRange.class);
        Duration duration = parseDuration(key.key(), raw(key));
        if (duration.isZero() && !range.zeroAllowed()) {
            throw invalid(key);
        }
        return duration;
    }

    /** Parses {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h} or {@code 0}, up to 7 days. */
    public static Duration parseDuration(String key, String value) {
        if ("0".equals(value) || "off".equalsIgnoreCase(value)) {
            return Duration.ZERO;
        }
        Matcher m = value == null ? null : DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (m == null || !m.matches()) {
            throw new ConfigException(key, value, "a duration such as 500ms, 2s, 1m or 1h");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw new ConfigException(key, value, "a duration of at most 7 days (168h)");
        }
        return duration;
    }

    /** Bytes, from {@code 16384}, {@code 16KiB}, {@code 10MiB}...; {@link #UNLIMITED} for {@code unlimited} where allowed. */
    public long size(ConfigKey key) {
        Allowed.SizeRange range = allowed(key, Allowed.SizeRange.class);
        String value = raw(key);
        if (range.unlimitedAllowed() && "unlimited".equalsIgnoreCase(value)) {
            return UNLIMITED;
        }
        Matcher m = value == null ? null : SIZE.matcher(value.toLowerCase(Locale.ROOT));
        if (m != null && m.matches()) {
            long factor = switch (m.group(2) == null ? "b" : m.group(2)) {
                case "kb", "kib" -> 1024L;
                case "mb", "mib" -> 1024L * 1024;
                case "gb", "gib" -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            long bytes = Long.parseLong(m.group(1)) * factor;
            if (bytes >= range.min() && bytes <= range.max()) {
                return bytes;
            }
        }
        throw invalid(key);
    }

    public boolean bool(ConfigKey key) {
        allowed(key, Allowed.Flag.class);
        String value = raw(key);
        return switch (value == null ? "" : value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key);
        };
    }

    /** One of the key's choices, lower case. */
    public String choice(ConfigKey key) {
        Allowed.OneOf oneOf = allowed(key, Allowed.OneOf.class);
        String value = raw(key) == null ? "" : raw(key).toLowerCase(Locale.ROOT);
        if (!oneOf.choices().contains(value)) {
            throw invalid(key);
        }
        return value;
    }

    /** Text matching the key's pattern; null when unset and without default. */
    public String text(ConfigKey key) {
        Allowed.Matching matching = allowed(key, Allowed.Matching.class);
        String value = raw(key);
        if (value != null && !matching.pattern().matcher(value).matches()) {
            throw invalid(key);
        }
        return value;
    }

    /** Like {@link #text}, for a feature switched on by naming something: unset or empty means off (null). */
    public String optional(ConfigKey key) {
        String value = raw(key);
        return value == null || value.isEmpty() ? null : text(key);
    }

    /** A readable file; null when unset or empty. */
    public Path file(ConfigKey key) {
        String value = raw(key);
        if (value == null || value.isEmpty()) {
            return null;
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            path = null;
        }
        if (path == null || !Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw invalid(key, "a readable file (" + key.allowed().docs() + "); this one is missing or cannot be read");
        }
        return path;
    }

    /** Text the key describes but does not pattern-check (a host to listen on, the backend list for its own parser). */
    public String described(ConfigKey key) {
        allowed(key, Allowed.Described.class);
        return raw(key);
    }
}
