package dev.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class BalancerConfigTest {
    private static final String OK_BACKENDS = "http://127.0.0.1:8081";

    private static BalancerConfig parse(Map<String, String> values) {
        return BalancerConfig.from(new ConfigSources().add("init-param", values, true));
    }

    @Test
    void defaultsMatchTheDesign() {
        BalancerConfig config = parse(Map.of("backends", OK_BACKENDS));
        assertThat(config.pool().strategy()).isEqualTo("round-robin");
        assertThat(config.pool().hashOn()).isEqualTo("client-ip");
        assertThat(config.health().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.health().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.timeouts().response()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.timeouts().idle()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.timeouts().total()).as("off: streams and downloads may take long").isZero();
        assertThat(config.retry().retries()).isEqualTo(1);
        assertThat(config.limits().maxRequestHeaderSize()).isEqualTo(16 * 1024);
        assertThat(config.limits().maxRequestBodySize()).isEqualTo(LimitSettings.UNLIMITED);
        assertThat(config.admin().path()).isEqualTo("/_balancer");
        assertThat(config.server().port()).isEqualTo(8080);
    }

    @Test
    void backendSpecsCarryWeightBackupAndDown() {
        BalancerConfig config = parse(Map.of("backends", "http://A:81/base/ weight=3, https://b backup,http://[::1]:9 down"));
        assertThat(config.pool().backends()).extracting(BackendSpec::toString)
                .containsExactly("http://a:81/base weight=3", "https://b:443 backup", "http://[::1]:9 down");
    }

    @Test
    void durationsAcceptMillisSecondsAndMinutes() {
        assertThat(Values.parseDuration("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Values.parseDuration("k", "2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Values.parseDuration("k", "1m")).isEqualTo(Duration.ofMinutes(1));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "backends|''|at least one backend is required",
            "backends|ftp://x:1|scheme must be http or https",
            "backends|http://x:1 weight=0|weight must be an integer from 1 to 1000",
            "backends|http://x:1 heavy|unknown option 'heavy'",
            "backends|http://x:1?q=1|takes no query",
            "backends|http://x:1,,http://y:2|empty backend",
            "backends|http://x:1,http://x:1|listed twice",
            "strategy|''|a strategy name",
            "hashOn|header:|one of client-ip, uri, header:NAME, cookie:NAME",
            "timeout|30|a duration such as 500ms, 2s, 1m or 1h",
            "connectTimeout|0|greater than zero",
            "retries|-1|an integer from 0 to 10",
            "maxFails|many|an integer from 1 to 1000",
            "trustForwardedFor|yes|true or false",
            "discovery|consul|static or dns",
            "maxRequestHeaderSize|16 parsecs|a size from",
            "healthCheckPath|health|a path starting with '/'",
            "adminPath|/_balancer/|a path like /_balancer",
            "healthCheckTimeout|10s|must not be longer than healthCheckInterval",
            "discoveryPort|70000|an integer from 1 to 65535",
            "healthCheckStatus|2xx|status codes and ranges from 100 to 599",
            "healthCheckStatus|399-200|ranges go from low to high",
            "healthCheckMethod|POST|GET or HEAD",
            "healthCheckHeaders|Host app.local|headers as 'Name: value'",
            "ejectOn5xx|many|an integer from 1 to 1000, or 0 or off",
    })
    void badValuesAreRejectedNamingKeyValueAndWhatIsAllowed(String key, String value, String allowed) {
        Map<String, String> values = new HashMap<>(Map.of("backends", OK_BACKENDS));
        values.put(key, value);
        assertThatThrownBy(() -> parse(values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key.equals("healthCheckTimeout") ? "healthCheckTimeout='10s'" : "")
                .hasMessageContaining(allowed)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key.equals("backends") || key.equals("healthCheckTimeout") ? key : key));
        assertThatThrownBy(() -> parse(values)).hasMessageContaining(key);
    }

    static Stream<ConfigKey> integerKeys() {
        return Arrays.stream(ConfigKey.values()).filter(key -> key.allowed() instanceof Allowed.IntRange);
    }

    /** The range is the key's: the parser checks it and the message states it, from the one declaration. */
    @ParameterizedTest
    @MethodSource("integerKeys")
    void anIntegerKeyAcceptsItsRangeAndRejectsJustOutsideItStatingTheRange(ConfigKey key) {
        Allowed.IntRange range = (Allowed.IntRange) key.allowed();
        for (int inside : new int[] {range.min(), range.max()}) {
            parse(Map.of("backends", OK_BACKENDS, key.key(), String.valueOf(inside)));
        }
        for (int outside : new int[] {range.min() - 1, range.max() + 1}) {
            assertThatThrownBy(() -> parse(Map.of("backends", OK_BACKENDS, key.key(), String.valueOf(outside))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("Invalid configuration: " + key.key() + "='" + outside + "': an integer from " + range.min()
                            + " to " + range.max());
        }
    }

    @Test
    void probeSettingsParseListsAndRefuseABodyCheckOnHead() {
        ProbeSettings probe = parse(Map.of("backends", OK_BACKENDS, "healthCheckStatus", "200,204, 300-399",
                "healthCheckHeaders", "Host: app.local; X-Probe: 1;", "healthCheckMethod", "head")).health().probe();
        assertThat(probe.method()).isEqualTo("HEAD");
        assertThat(probe.port()).as("unset: the traffic port").isZero();
        assertThat(probe.headers()).containsExactly(Map.entry("Host", "app.local"), Map.entry("X-Probe", "1"));
        assertThat(List.of(200, 204, 300, 399)).allSatisfy(status -> assertThat(probe.passes(status)).isTrue());
        assertThat(List.of(201, 299, 400, 503)).allSatisfy(status -> assertThat(probe.passes(status)).isFalse());
        assertThat(parse(Map.of("backends", OK_BACKENDS, "ejectOn5xx", "off")).outliers().ejectOn5xx()).isZero();
        assertThatThrownBy(() -> parse(Map.of("backends", OK_BACKENDS, "healthCheckMethod", "HEAD", "healthCheckBody", "UP")))
                .hasMessageContaining("healthCheckBody='UP'").hasMessageContaining("needs healthCheckMethod=GET");
    }

    @Test
    void sizesAreStatedInTheUnitsPeopleWrite() {
        assertThatThrownBy(() -> parse(Map.of("backends", OK_BACKENDS, "maxRequestHeaderSize", "2MiB")))
                .hasMessage("Invalid configuration: maxRequestHeaderSize='2MiB': a size from 1KiB to 1MiB (units b, KiB, MiB, GiB)");
        assertThatThrownBy(() -> parse(Map.of("backends", OK_BACKENDS, "maxRequestBodySize", "lots")))
                .hasMessageContaining("or unlimited");
        assertThat(parse(Map.of("backends", OK_BACKENDS, "maxRequestBodySize", "10MiB")).limits().maxRequestBodySize())
                .isEqualTo(10L * 1024 * 1024);
    }

    @Test
    void unknownKeySuggestsTheNearestKnownOne() {
        assertThatThrownBy(() -> parse(Map.of("backends", OK_BACKENDS, "stratgy", "hash")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("stratgy='hash'")
                .hasMessageContaining("did you mean 'strategy'?");
    }

    @Test
    void dnsDiscoveryNeedsAHostButNoBackends() {
        assertThatThrownBy(() -> parse(Map.of("discovery", "dns")))
                .hasMessageContaining("discoveryHost").hasMessageContaining("required when discovery=dns");
        assertThat(parse(Map.of("discovery", "dns", "discoveryHost", "app.local")).pool().backends()).isEmpty();
    }

    @Test
    void sourcesAreReadInOrderFirstWins() {
        Properties properties = new Properties();
        properties.setProperty("balancer.strategy", "random");
        properties.setProperty("balancer.retries", "3");
        properties.setProperty("unrelated.key", "x");
        ConfigSources sources = new ConfigSources()
                .add("init-param", Map.of("strategy", "hash"), true)
                .add("context-param", Map.of("backends", OK_BACKENDS, "someOtherAppParam", "x"), false)
                .addSystemProperties(properties)
                .addEnvironment(Map.of("BALANCER_RETRIES", "5", "BALANCER_TIMEOUT", "7s", "BALANCER_SERVICE_HOST", "10.0.0.1",
                        "BALANCER_PORT", "tcp://10.0.0.1:80"));
        BalancerConfig config = BalancerConfig.from(sources);
        assertThat(config.pool().strategy()).isEqualTo("hash");
        assertThat(config.retry().retries()).isEqualTo(3);
        assertThat(config.timeouts().total()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.pool().backends()).hasSize(1);
        assertThat(config.server().port()).as("a Kubernetes service link is not our port").isEqualTo(8080);
    }

    @Test
    void unknownSystemPropertyIsAnError() {
        Properties properties = new Properties();
        properties.setProperty("balancer.backend", OK_BACKENDS);
        assertThatThrownBy(() -> BalancerConfig.from(new ConfigSources().addSystemProperties(properties)))
                .hasMessageContaining("system property").hasMessageContaining("did you mean 'backends'?");
    }
}
