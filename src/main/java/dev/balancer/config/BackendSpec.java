package dev.balancer.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One configured backend: {@code URL [weight=N] [backup] [down]}.
 *
 * @param url    base URL, scheme + host + port and optional base path, no trailing slash
 * @param weight relative share of traffic, 1..{@value #MAX_WEIGHT}
 * @param backup receives traffic only while no primary backend is available
 * @param down   administratively disabled: never receives traffic
 */
public record BackendSpec(URI url, int weight, boolean backup, boolean down) {
    public static final int MAX_WEIGHT = 1000;
    private static final String KEY = ConfigKey.BACKENDS.key();
    private static final String FORMAT = "each backend is 'http://host:port[/base] [weight=1..1000] [backup] [down]', separated by commas";

    public BackendSpec {
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + weight);
        }
    }

    /** A primary backend of weight 1. */
    public static BackendSpec of(URI url) {
        return new BackendSpec(url, 1, false, false);
    }

    /** Parses the comma-separated {@code backends} value. */
    public static List<BackendSpec> parseList(String value) {
        List<BackendSpec> specs = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return specs;
        }
        for (String item : value.split(",")) {
            if (item.isBlank()) {
                throw new ConfigException(KEY, value, "empty backend in the list; " + FORMAT);
            }
            specs.add(parse(item.trim()));
        }
        if (specs.stream().map(BackendSpec::url).distinct().count() != specs.size()) {
            throw new ConfigException(KEY, value, "a backend URL is listed twice");
        }
        return specs;
    }

    public static BackendSpec parse(String item) {
        String[] words = item.trim().split("\\s+");
        URI url = parseUrl(words[0]);
        int weight = 1;
        boolean backup = false;
        boolean down = false;
        for (int i = 1; i < words.length; i++) {
            String word = words[i].toLowerCase(Locale.ROOT);
            if (word.equals("backup")) {
                backup = true;
            } else if (word.equals("down")) {
                down = true;
            } else if (word.startsWith("weight=")) {
                weight = parseWeight(item, word.substring("weight=".length()));
            } else {
                throw new ConfigException(KEY, item, "unknown option '" + words[i] + "'; " + FORMAT);
            }
        }
        return new BackendSpec(url, weight, backup, down);
    }

    private static int parseWeight(String item, String digits) {
        try {
            int weight = Integer.parseInt(digits);
            if (weight >= 1 && weight <= MAX_WEIGHT) {
                return weight;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new ConfigException(KEY, item, "weight must be an integer from 1 to " + MAX_WEIGHT);
    }

    private static URI parseUrl(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(KEY, text, "not a URL (" + e.getReason() + "); " + FORMAT);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ConfigException(KEY, text, "scheme must be http or https; " + FORMAT);
        }
        if (url.getHost() == null || url.getRawUserInfo() != null) {
            throw new ConfigException(KEY, text, "a backend URL needs a host and no user info; " + FORMAT);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new ConfigException(KEY, text, "a backend URL takes no query or fragment; " + FORMAT);
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        int port = url.getPort() >= 0 ? url.getPort() : (scheme.equals("https") ? 443 : 80);
        if (port < 1 || port > 65535) {
            throw new ConfigException(KEY, text, "port must be from 1 to 65535; " + FORMAT);
        }
        return URI.create(scheme + "://" + hostForUri(url.getHost()) + ":" + port + path);
    }

    private static String hostForUri(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.contains(":") && !lower.startsWith("[") ? "[" + lower + "]" : lower;
    }

    @Override
    public String toString() {
        return url + (weight != 1 ? " weight=" + weight : "") + (backup ? " backup" : "") + (down ? " down" : "");
    }
}
