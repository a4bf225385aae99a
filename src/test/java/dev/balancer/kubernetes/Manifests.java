package dev.balancer.kubernetes;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/** The Kubernetes objects of examples/kubernetes, read with SnakeYAML, and a few typed ways into them. */
final class Manifests {
    static final Path DIR = Path.of("examples/kubernetes");

    /** One object: its kind, name and the whole parsed document. */
    record Resource(String kind, String name, Map<String, Object> body) {
        Object at(String... path) {
            return Manifests.at(body, path);
        }

        Map<String, Object> map(String... path) {
            return asMap(at(path));
        }
    }

    private final List<Resource> resources;

    private Manifests(List<Resource> resources) {
        this.resources = resources;
    }

    static Manifests load() throws IOException {
        List<Resource> resources = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(file)) {
                for (Object document : new Yaml().loadAll(reader)) {
                    if (document != null) {
                        Map<String, Object> body = asMap(document);
                        resources.add(new Resource((String) body.get("kind"), (String) at(body, "metadata", "name"), body));
                    }
                }
            }
        }
        return new Manifests(resources);
    }

    List<Resource> all() {
        return resources;
    }

    List<Resource> ofKind(String kind) {
        return resources.stream().filter(r -> r.kind().equals(kind)).toList();
    }

    Resource get(String kind, String name) {
        return resources.stream().filter(r -> r.kind().equals(kind) && r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + DIR));
    }

    static Object at(Object node, String... path) {
        Object current = node;
        for (String step : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object node) {
        return node == null ? Map.of() : (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> asList(Object node) {
        return node == null ? List.of() : (List<Map<String, Object>>) node;
    }
}
