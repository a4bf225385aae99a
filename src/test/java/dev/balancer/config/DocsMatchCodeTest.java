package dev.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.strategy.StrategyRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The docs list what the code has: every key with its default, what it allows and its meaning, every built-in
 * strategy. ({@code --help} is printed from {@link ConfigKey} itself; MainTest checks it shows the same.)
 */
class DocsMatchCodeTest {

    @Test
    void readmeTableHasEveryKeyWithItsDefaultAllowedValuesAndMeaning() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (ConfigKey key : ConfigKey.values()) {
            String defaultCell = key.documentedDefault() == null ? "—" : "`" + key.documentedDefault() + "`";
            assertThat(readme).contains("| `" + key.key() + "` | " + defaultCell + " | " + key.allowed().docs() + " | "
                    + key.meaning() + " |\n");
        }
    }

    @Test
    void webXmlDocumentsEveryServletKeyWithItsAllowedValuesAndDefault() throws IOException {
        String webXml = Files.readString(Path.of("webapp/WEB-INF/web.xml"));
        for (ConfigKey key : ConfigKey.values()) {
            if (key == ConfigKey.PORT || key == ConfigKey.HOST) {
                continue; // the container listens, not Balancer
            }
            String documentedDefault = key.documentedDefault() == null ? "(none)" : key.documentedDefault();
            assertThat(webXml).contains("<!-- " + key.key() + ": " + key.meaning() + ". Allowed: " + key.allowed().docs()
                    + ". Default: " + documentedDefault + ".\n");
            // Uncommenting the line as it stands must not change anything: it carries the literal default, or nothing.
            String value = key.defaultValue() == null ? "" : key.defaultValue();
            assertThat(webXml).contains("<param-name>" + key.key() + "</param-name><param-value>" + value + "</param-value>");
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
