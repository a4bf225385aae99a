package dev.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue #17 defect 7: the probe timeout follows the interval unless it is set, as HAProxy's min(inter, timeout check). */
class HealthTimeoutDefaultTest {

    private static HealthSettings health(String... keyValues) {
        Map<String, String> values = new HashMap<>(Map.of("backends", "http://127.0.0.1:8081"));
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return BalancerConfig.from(new ConfigSources().add("init-param", values, true)).health();
    }

    @Test
    void anIntervalShorterThanTwoSecondsAloneStartsAndTheTimeoutFollowsIt() {
        HealthSettings health = health("healthCheckInterval", "500ms");
        assertThat(health.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(health.timeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aLongerIntervalKeepsTheTwoSecondTimeout() {
        assertThat(health("healthCheckInterval", "10s").timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(health().timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anExplicitTimeoutIsKeptEvenWhenTheIntervalIsShort() {
        assertThat(health("healthCheckInterval", "500ms", "healthCheckTimeout", "200ms").timeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(health("healthCheckInterval", "1s", "healthCheckTimeout", "1s").timeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anExplicitTimeoutLongerThanTheIntervalIsAnErrorNamingTheTimeout() {
        assertThatThrownBy(() -> health("healthCheckInterval", "1s", "healthCheckTimeout", "3s"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("healthCheckTimeout='3s'")
                .hasMessageContaining("must not be longer than healthCheckInterval (1s)")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("healthCheckTimeout"));
    }

    @Test
    void anEnvironmentVariableCountsAsSettingIt() {
        ConfigSources sources = new ConfigSources()
                .add("init-param", Map.of("backends", "http://127.0.0.1:8081", "healthCheckInterval", "1s"), true)
                .addEnvironment(Map.of("BALANCER_HEALTH_CHECK_TIMEOUT", "3s"));
        assertThatThrownBy(() -> BalancerConfig.from(sources)).hasMessageContaining("healthCheckTimeout='3s'");
    }
}
