package dev.balancer.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** The properties file named by {@code config}: one layer of {@link ConfigSources}, read again on every reload. */
public final class ConfigFile {
    private ConfigFile() {}

    /** The layer's name in errors, e.g. "unknown key (config file /etc/balancer.properties)". */
    public static String layerName(String file) {
        return "config file " + file;
    }

    /** The file's keys and values. @throws ConfigException naming {@code config} when it cannot be read */
    public static Map<String, String> read(String file) {
        Properties properties = new Properties();
        try {
            // Read whole, then parsed: Properties.load takes ISO-8859-1 from a stream, but the files are UTF-8.
            properties.load(new StringReader(Files.readString(Path.of(file), StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(ConfigKey.CONFIG.key(), file, "a readable properties file (" + e + ")");
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
