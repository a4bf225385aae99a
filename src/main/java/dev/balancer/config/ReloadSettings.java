package dev.balancer.config;

import static dev.balancer.config.ConfigKey.CONFIG;
import static dev.balancer.config.ConfigKey.CONFIG_WATCH;

/**
 * Where more keys come from at runtime, and whether changes to it are picked up without a signal.
 *
 * @param file  the properties file named by {@code config}; null when there is none
 * @param watch reload when the file's content changes ({@code configWatch})
 */
public record ReloadSettings(String file, boolean watch) {

    public static ReloadSettings from(Values values) {
        String file = values.described(CONFIG);
        boolean watch = values.bool(CONFIG_WATCH);
        if (watch && (file == null || file.isBlank())) {
            throw values.invalid(CONFIG_WATCH, "configWatch=true needs a config file to watch (set config)");
        }
        return new ReloadSettings(file == null || file.isBlank() ? null : file, watch);
    }
}
