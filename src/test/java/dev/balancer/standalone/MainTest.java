package dev.balancer.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.config.ConfigKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryKey() throws Exception {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--backends", "--strategy", "--healthCheckPath", "--config=FILE");
    }

    @Test
    void helpShowsWhatEveryKeyAllowsAndItsDefault() throws Exception {
        assertThat(run("--help")).isZero();
        String help = out.toString(StandardCharsets.UTF_8);
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(help).contains("--" + key.key() + " ", key.meaning(), Main.allowedAndDefault(key));
        }
        assertThat(help).contains("allowed: 0..10; default: 1", "allowed: duration > 0; default: min(2s, healthCheckInterval)");
    }

    @Test
    void versionPrintsAVersion() throws Exception {
        assertThat(run("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("balancer ");
    }

    @Test
    void badFlagExitsNonZeroWithTheKeyValueAndChoices() throws Exception {
        assertThat(run("--backends=http://127.0.0.1:1", "--strategy=fastest")).isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("strategy='fastest'", "round-robin");
    }

    @Test
    void anUnreadableCertificateStopsStartupNamingTheFile(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("tls.crt"), "not PEM");
        Path key = Files.writeString(dir.resolve("tls.key"), "not PEM");
        assertThat(run("--backends=http://127.0.0.1:1", "--port=0", "--httpsPort=0", "--tlsCert=" + cert, "--tlsKey=" + key))
                .isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("tlsCert='" + cert + "'", "no PEM certificate");
    }

    @Test
    void misspelledFlagGetsADidYouMean() throws Exception {
        assertThat(run("--backend=http://127.0.0.1:1")).isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("did you mean 'backends'?");
    }

    @Test
    void missingBackendsIsAnError() throws Exception {
        assertThat(run("--port=0")).isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("backends").contains("at least one backend is required");
    }

    @Test
    void configFileIsReadAndFlagsWinOverIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("balancer.properties");
        Files.writeString(file, "backends=http://127.0.0.1:9\nstrategy=random\nretries=4\n");
        var config = Main.configure(Main.sources(CommandLine.parse(java.util.List.of("--config=" + file, "--strategy", "hash"))));
        assertThat(config.pool().strategy()).isEqualTo("hash");
        assertThat(config.retry().retries()).isEqualTo(4);
        assertThat(config.pool().backends()).hasSize(1);

        Files.writeString(file, "backends=http://127.0.0.1:9\nretires=4\n");
        assertThat(run("--config=" + file)).isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("retires='4'", "config file", "did you mean 'retries'?");
    }
}
