package dev.balancer.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What values one {@link ConfigKey} accepts. The parser in {@link Values} checks against it and words its error with
 * {@link #message()}; README, web.xml and {@code --help} show {@link #docs()}. Both from here, so they cannot drift.
 */
public sealed interface Allowed {

    /** Short form for the docs' "allowed" column, e.g. {@code 1..100} or {@code duration > 0}. */
    String docs();

    /** The "what is allowed" part of a {@link ConfigException}. */
    String message();

    /** An integer from {@code min} to {@code max}, both included. */
    record IntRange(int min, int max) implements Allowed {
        @Override
        public String docs() {
            return min + ".." + max;
        }

        @Override
        public String message() {
            return "an integer from " + min + " to " + max;
        }
    }

    /** An integer from {@code min} to {@code max}, or {@code 0}/{@code off} for a feature that is off unless asked for. */
    record CountOrOff(int min, int max) implements Allowed {
        @Override
        public String docs() {
            return min + ".." + max + ", 0 or off";
        }

        @Override
        public String message() {
            return "an integer from " + min + " to " + max + ", or 0 or off to turn it off";
        }
    }

    /** A duration up to 7 days; zero only when {@code zeroAllowed} (there zero turns the feature off or skips a wait). */
    record DurationRange(boolean zeroAllowed) implements Allowed {
        @Override
        public String docs() {
            return zeroAllowed ? "duration, or 0/off" : "duration > 0";
        }

        @Override
        public String message() {
            return zeroAllowed ? "a duration such as 500ms, 2s, 1m or 1h, or 0 (off)" : "a duration greater than zero, such as 500ms, 2s or 1m";
        }
    }

    /** A size in bytes from {@code min} to {@code max}, and the word {@code unlimited} when {@code unlimitedAllowed}. */
    record SizeRange(long min, long max, boolean unlimitedAllowed) implements Allowed {
        @Override
        public String docs() {
            return unlimitedAllowed ? "size, unlimited" : "size " + format(min) + ".." + format(max);
        }

        @Override
        public String message() {
            return unlimitedAllowed ? "a size such as 64KiB or 10MiB (units b, KiB, MiB, GiB), or unlimited"
                    : "a size from " + format(min) + " to " + format(max) + " (units b, KiB, MiB, GiB)";
        }

        /** {@code 1KiB} for 1024: the largest unit that divides the size, as people write it. */
        static String format(long bytes) {
            String[] units = {"B", "KiB", "MiB", "GiB"};
            int unit = 0;
            while (unit < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
                bytes /= 1024;
                unit++;
            }
            return bytes + units[unit];
        }
    }

    /** {@code true} or {@code false}, in any case. */
    record Flag() implements Allowed {
        @Override
        public String docs() {
            return "true, false";
        }

        @Override
        public String message() {
            return "true or false";
        }
    }

    /** One of a few words, in any case. */
    record OneOf(List<String> choices) implements Allowed {
        public OneOf {
            choices = List.copyOf(choices);
        }

        @Override
        public String docs() {
            return String.join(", ", choices);
        }

        @Override
        public String message() {
            return String.join(" or ", choices);
        }
    }

    /** Text that must match {@code pattern} as a whole. */
    record Matching(Pattern pattern, String docs, String message) implements Allowed {}

    /** Text with a structure of its own, checked by a dedicated parser (the backend list) or not at all (host). */
    record Described(String docs) implements Allowed {
        @Override
        public String message() {
            return docs;
        }
    }
}
