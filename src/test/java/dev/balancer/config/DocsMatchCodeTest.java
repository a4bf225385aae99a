package dev.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists every key the code reads, with the code's default. */
class DocsMatchCodeTest {

    @Test
    void readmeTableHasEveryKeyWithItsDefault() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (ConfigKey key : ConfigKey.values()) {
            String defaultCell = key.defaultValue() == null ? "—" : "`" + key.defaultValue() + "`";
            assertThat(readme).contains("| `" + key.key() + "` | " + defaultCell + " |");
        }
    }
}
