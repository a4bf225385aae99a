package dev.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the configuration parsers: whatever the input, the only failure is a {@link ConfigException} (which names
 * the key), never another exception type and never a hang. Generated inputs mix real keys, junk keys, valid values
 * and near-misses; {@code fuzz/config-corpus.tsv} keeps inputs worth replaying forever.
 */
class ConfigFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(2);

    private static void parseOrConfigError(Map<String, String> values) {
        assertTimeoutPreemptively(PER_INPUT, () -> {
            try {
                BalancerConfig config = BalancerConfig.from(new ConfigSources().add("fuzz", values, true));
                // What was accepted must be usable: every duration fits the nanosecond clocks timers use.
                assertThat(config.timeouts().response().toNanos()).isPositive();
                assertThat(config.timeouts().total().toNanos()).isNotNegative();
                assertThat(config.health().interval().toNanos()).isPositive();
                assertThat(config.health().timeout()).isPositive().isLessThanOrEqualTo(config.health().interval());
                assertThat(config.outliers().failTimeout().toNanos()).isPositive();
                assertThat(config.health().slowStart().toNanos()).isNotNegative();
                assertThat(config.pool().backends()).allSatisfy(b -> assertThat(b.url().getPort()).isBetween(1, 65535));
            } catch (ConfigException e) {
                assertThat(e.getMessage()).startsWith("Invalid configuration: ").contains(e.key());
            }
        });
    }

    @Property(tries = 1500)
    void anyConfigurationParsesOrFailsWithAConfigException(@ForAll("configurations") Map<String, String> values) {
        parseOrConfigError(values);
    }

    @Property(tries = 1500)
    void anyBackendListParsesOrFailsWithAConfigException(@ForAll("backendLists") String backends) {
        parseOrConfigError(Map.of("backends", backends));
    }

    @Example
    void corpusReplays() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/fuzz/config-corpus.tsv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.startsWith("#") && line.contains("\t")).toList();
            assertThat(lines).hasSizeGreaterThan(20);
            for (String line : lines) {
                String key = line.substring(0, line.indexOf('\t'));
                String value = line.substring(line.indexOf('\t') + 1);
                Map<String, String> values = new HashMap<>(Map.of("backends", "http://127.0.0.1:8081"));
                values.put(key, value);
                parseOrConfigError(values);
            }
        }
    }

    @Provide
    Arbitrary<Map<String, String>> configurations() {
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.of(ConfigKey.values()).map(ConfigKey::key),
                Arbitraries.strings().ofMaxLength(12));
        return Arbitraries.maps(keys, values()).ofMaxSize(6).map(map -> {
            Map<String, String> withBackends = new HashMap<>(map);
            withBackends.putIfAbsent("backends", "http://127.0.0.1:8081");
            return withBackends;
        });
    }

    private Arbitrary<String> values() {
        Arbitrary<String> numbers = Arbitraries.longs().map(String::valueOf);
        Arbitrary<String> withUnits = Combinators.combine(Arbitraries.longs().between(-5, 99_999_999_999L),
                Arbitraries.of("", "ms", "s", "m", "h", "d", "KiB", "MiB", "GiB", "kb", " s", "S")).as((n, unit) -> n + unit);
        Arbitrary<String> words = Arbitraries.of("true", "false", "TRUE", "yes", "", " ", "unlimited", "dns", "static",
                "round-robin", "hash", "client-ip", "uri", "header:X", "cookie:", "/health", "health", "/_balancer", "0");
        return Arbitraries.oneOf(numbers, withUnits, words, Arbitraries.strings().ofMaxLength(30), backendLists());
    }

    @Provide
    Arbitrary<String> backendLists() {
        Arbitrary<String> hosts = Arbitraries.of("127.0.0.1", "localhost", "[::1]", "::1", "", "h", "a b", "[::1", "xn--bcher-kva.example");
        Arbitrary<String> ports = Arbitraries.oneOf(Arbitraries.integers().between(-1, 70_000).map(p -> ":" + p), Arbitraries.just(""));
        Arbitrary<String> schemes = Arbitraries.of("http://", "https://", "ftp://", "", "http:/", "HTTP://");
        Arbitrary<String> paths = Arbitraries.of("", "/", "/base", "/a/b/", "?q=1", "#f", "/%zz", "/ä");
        Arbitrary<String> options = Arbitraries.of("", " backup", " down", " weight=3", " weight=0", " weight=1001", " weight=x",
                " weight=", " heavy", "  weight=2  backup");
        Arbitrary<String> one = Combinators.combine(schemes, hosts, ports, paths, options).as((s, h, p, path, o) -> s + h + p + path + o);
        Arbitrary<String> structured = one.list().ofMinSize(0).ofMaxSize(4).map(list -> String.join(",", list));
        return Arbitraries.oneOf(structured, Arbitraries.strings().ofMaxLength(40));
    }
}
