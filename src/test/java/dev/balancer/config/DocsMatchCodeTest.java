package dev.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.strategy.StrategyRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The docs list what the code has: every key with its default, every built-in strategy. */
class DocsMatchCodeTest {

    @Test
    void readmeTableHasEveryKeyWithItsDefault() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (ConfigKey key : ConfigKey.values()) {
            String defaultCell = key.documentedDefault() == null ? "—" : "`" + key.documentedDefault() + "`";
            assertThat(readme).contains("| `" + key.key() + "` | " + defaultCell + " |");
        }
    }

    @Test
    void aDerivedDefaultIsDocumentedButNotALiteral() {
        for (ConfigKey key : ConfigKey.values()) {
            if (key.defaultValue() != null) {
                assertThat(key.documentedDefault()).as(key.key()).isEqualTo(key.defaultValue());
            }
        }
        assertThat(ConfigKey.HEALTH_CHECK_TIMEOUT.defaultValue()).isNull();
        assertThat(ConfigKey.HEALTH_CHECK_TIMEOUT.documentedDefault()).isEqualTo("min(2s, healthCheckInterval)");
    }

    @Test
    void everyBuiltInStrategyIsDocumentedInTheReadmeTheGuideAndTheKeysMeaning() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String guide = Files.readString(Path.of("docs/strategies.md"));
        // A loader that sees no StrategyProvider files: the built-ins only, not the example on the test classpath.
        for (String name : StrategyRegistry.load(new ClassLoader(null) {}).names()) {
            assertThat(readme).contains("| `" + name + "` |");
            assertThat(guide).contains("`" + name + "`");
            assertThat(ConfigKey.STRATEGY.meaning()).contains(name);
        }
        assertThat(readme).contains("(docs/strategies.md)");
    }
}
