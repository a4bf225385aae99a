package dev.balancer;

import dev.balancer.config.BackendSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The difference between two backend lists, by URL as the pool tells backends apart, in words for the log. */
final class MemberChanges {
    private MemberChanges() {}

    static List<String> between(List<BackendSpec> before, List<BackendSpec> after) {
        Map<URI, BackendSpec> old = new LinkedHashMap<>();
        before.forEach(spec -> old.put(spec.url(), spec));
        List<String> changes = new ArrayList<>();
        for (BackendSpec spec : after) {
            BackendSpec was = old.remove(spec.url());
            if (was == null) {
                changes.add("backend " + spec.url() + " added" + flags(spec));
            } else if (!was.equals(spec)) {
                changes.add("backend " + spec.url() + " changed:" + flags(was) + " ->" + flags(spec));
            }
        }
        old.values().forEach(spec -> changes.add("backend " + spec.url() + " removed"));
        return changes;
    }

    private static String flags(BackendSpec spec) {
        return " weight=" + spec.weight() + (spec.backup() ? " backup" : "") + (spec.down() ? " down" : "");
    }
}
