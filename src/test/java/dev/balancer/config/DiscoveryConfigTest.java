package dev.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DiscoveryConfigTest {

    private static BalancerConfig parse(Map<String, String> values) {
        return BalancerConfig.from(new ConfigSources().add("init-param", values, true));
    }

    @Test
    void dnsNeedsNoBackendsAndHasTheDocumentedDefaults() {
        BalancerConfig config = parse(Map.of("discovery", "dns", "discoveryHost", "my-app.default.svc.cluster.local."));
        assertThat(config.discovery().mode()).isEqualTo(DiscoverySettings.Mode.DNS);
        assertThat(config.pool().backends()).isEmpty();
        assertThat(config.discovery().port()).isEqualTo(80);
        assertThat(config.discovery().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.server().shutdownDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.server().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://my-app", "my-app:8080", "my_app", "-my-app", "my app", ""})
    void aDiscoveryHostThatIsNoHostNameIsRejectedNamingKeyAndValue(String host) {
        assertThatThrownBy(() -> parse(Map.of("discovery", "dns", "discoveryHost", host)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("discoveryHost=")
                .hasMessageContaining(host)
                .hasMessageContaining("a host name such as my-app.default.svc.cluster.local");
    }

    @Test
    void dnsWithoutAHostIsRejected() {
        assertThatThrownBy(() -> parse(Map.of("discovery", "dns")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("discoveryHost=(missing)");
    }
}
