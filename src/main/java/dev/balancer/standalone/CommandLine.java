package dev.balancer.standalone;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runnable jar's arguments: {@code --KEY=value} (or {@code --KEY value}) for any configuration key, plus
 * {@code --demo}, {@code --help} and {@code --version}. {@code --config=FILE} is a key like the others.
 *
 * @param settings configuration keys given as flags, in order
 */
record CommandLine(Map<String, String> settings, boolean demo, boolean help, boolean version) {

    static CommandLine parse(List<String> args) {
        Map<String, String> settings = new LinkedHashMap<>();
        boolean demo = false;
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; options look like --backends=URL,URL (see --help)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            switch (name) {
                case "help", "h" -> help = true;
                case "version" -> version = true;
                case "demo" -> demo = true;
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                            throw new IllegalArgumentException("option --" + name + " needs a value, e.g. --" + name + "=VALUE");
                        }
                        value = args.get(++i);
                    }
                    settings.put(name, value);
                }
            }
        }
        return new CommandLine(settings, demo, help, version);
    }
}
