package dev.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the {@code config} file's layer sits among the sources, and what it may not say. */
class ConfigFileLayerTest {
    @TempDir
    Path dir;

    @Test
    void theFileSitsBelowTheDeploymentsOwnLayersAndAboveSystemPropertiesAndEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("b.properties"), "strategy=random\nretries=4\nbackends=http://127.0.0.1:9\n");
        ConfigSources sources = new ConfigSources()
                .add("init-param", Map.of("strategy", "hash"), true)
                .add("context-param", Map.of("config", file.toString()), false)
                .add("system property", Map.of("retries", "7", "maxFails", "9"), true)
                .withConfigFile(2);
        BalancerConfig config = BalancerConfig.from(sources);
        assertThat(config.pool().strategy()).isEqualTo("hash");
        assertThat(config.retry().retries()).isEqualTo(4);
        assertThat(config.outliers().maxFails()).isEqualTo(9);
        assertThat(config.reload()).isEqualTo(new ReloadSettings(file.toString(), false));
    }

    @Test
    void theFileCannotNameAnotherFileAndWatchingNeedsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("b.properties"), "config=/elsewhere.properties\n");
        assertThatThrownBy(() -> new ConfigSources().add("flags", Map.of("config", file.toString()), true).withConfigFile(1))
                .hasMessageContaining("config='/elsewhere.properties'").hasMessageContaining("not settable in the config file itself");
        assertThatThrownBy(() -> BalancerConfig.from(new ConfigSources()
                .add("flags", Map.of("backends", "http://127.0.0.1:9", "configWatch", "true"), true)))
                .hasMessageContaining("configWatch='true'").hasMessageContaining("needs a config file");
    }
}
