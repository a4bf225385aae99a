package dev.balancer.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.ConfigReload;
import dev.balancer.backend.Backend;
import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloading the {@code config} file of a running balancer, with real backends and traffic: through the reload entry
 * point that SIGHUP calls in the jar, and by a Kubernetes-style ConfigMap update with {@code configWatch=true}.
 */
@ThroughBothFrontEnds
class ConfigReloadTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;
    @TempDir
    Path dir;

    ConfigReloadTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    private TestBalancer balancer(Path file, String... keyValues) throws Exception {
        Map<String, String> params = new java.util.HashMap<>(Map.of("config", file.toString()));
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return servers.keep(new TestBalancer(frontEnd, params));
    }

    private static String id(TestBackend backend) {
        return "127.0.0.1:" + backend.port();
    }

    @Test
    void aReloadAddsRemovesAndReweightsBackendsKeepingTheStateOfThoseThatStay() throws Exception {
        TestBackend a = servers.backend("a");
        TestBackend b = servers.backend("b");
        TestBackend c = servers.backend("c");
        Path file = Files.writeString(dir.resolve("balancer.properties"), "backends=" + a.url() + "," + c.url() + "\n");
        TestBalancer balancer = balancer(file);
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        for (int i = 0; i < 10; i++) {
            assertThat(Http.get(balancer.url() + "/warm").statusCode()).isEqualTo(200);
        }
        Backend before = balancer.pool().find(id(a)).orElseThrow();
        long aRequests = admin.backend(id(a)).at("/requests/total").asLong();

        Files.writeString(file, "backends=" + a.url() + " weight=3, " + b.url() + "\n");
        ConfigReload.Outcome outcome = balancer.reload();

        assertThat(outcome.applied()).as(outcome.error()).isTrue();
        assertThat(outcome.changes()).containsExactlyInAnyOrder(
                "backend " + a.url() + " changed: weight=1 -> weight=3",
                "backend " + b.url() + " added weight=1",
                "backend " + c.url() + " removed");
        assertThat(outcome.needRestart()).isEmpty();
        assertThat(balancer.pool().snapshot().members()).extracting(Backend::id).containsExactly(id(a), id(b));
        // The same backend, re-weighted: its state and counters go on.
        assertThat(balancer.pool().find(id(a))).containsSame(before);
        assertThat(admin.backend(id(a)).at("/requests/total").asLong()).isGreaterThanOrEqualTo(aRequests);
        assertThat(admin.backend(id(a)).get("weight").asInt()).isEqualTo(3);

        int cBefore = c.requests("/split");
        for (int i = 0; i < 400; i++) {
            assertThat(Http.get(balancer.url() + "/split").statusCode()).isEqualTo(200);
        }
        assertThat(a.requests("/split")).isBetween(295, 305);
        assertThat(b.requests("/split")).isBetween(95, 105);
        assertThat(c.requests("/split")).isEqualTo(cBefore);
    }

    @Test
    void anInvalidReloadChangesNothingNamesKeyAndValueAndIsCounted() throws Exception {
        TestBackend a = servers.backend("a");
        TestBackend b = servers.backend("b");
        Path file = Files.writeString(dir.resolve("balancer.properties"), "backends=" + a.url() + "\n");
        TestBalancer balancer = balancer(file);
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

        Files.writeString(file, "backends=" + a.url() + "," + b.url() + "\nretries=99\n");
        ConfigReload.Outcome outcome = balancer.reload();

        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.error()).contains("retries='99'", "an integer from 0 to 10");
        assertThat(balancer.pool().snapshot().members()).extracting(Backend::id).containsExactly(id(a));
        assertThat(admin.metrics().value("balancer_config_reload_failures_total", Map.of())).isEqualTo(1.0);

        Files.writeString(file, "backends=" + a.url() + "\nbogus=1\n");
        assertThat(balancer.reload().error()).contains("bogus", "unknown key (config file " + file + ")");
        Files.delete(file);
        assertThat(balancer.reload().error()).contains("config='" + file + "'", "a readable properties file");
        assertThat(admin.metrics().value("balancer_config_reload_failures_total", Map.of())).isEqualTo(3.0);
        assertThat(balancer.pool().snapshot().members()).extracting(Backend::id).containsExactly(id(a));
    }

    @Test
    void keysThatCannotChangeAtRuntimeAreReportedAsNeedingARestartAndTheRestIsApplied() throws Exception {
        TestBackend a = servers.backend("a");
        TestBackend b = servers.backend("b");
        Path file = Files.writeString(dir.resolve("balancer.properties"), "backends=" + a.url() + "\n");
        TestBalancer balancer = balancer(file, "adminToken", "s3cret");

        Files.writeString(file, "backends=" + a.url() + "," + b.url() + "\nstrategy=random\nhealthCheckPath=/health\n");
        ConfigReload.Outcome outcome = balancer.reload();

        assertThat(outcome.applied()).isTrue();
        assertThat(outcome.changes()).containsExactly("backend " + b.url() + " added weight=1");
        assertThat(outcome.needRestart()).containsExactly("strategy 'round-robin' -> 'random'", "healthCheckPath (unset) -> '/health'");
        assertThat(balancer.pool().snapshot().members()).hasSize(2);
    }

    @Test
    void aConfigMapStyleSymlinkSwapIsPickedUpWithConfigWatch() throws Exception {
        TestBackend a = servers.backend("a");
        TestBackend b = servers.backend("b");
        // As the kubelet lays out a mounted ConfigMap: the file is a link through ..data to a timestamped directory.
        Path first = Files.createDirectory(dir.resolve("..2026_01_01_00_00_00.1"));
        Files.writeString(first.resolve("balancer.properties"), "backends=" + a.url() + "\n");
        Path data = Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("balancer.properties"), Path.of("..data/balancer.properties"));
        TestBalancer balancer = balancer(file, "configWatch", "true");
        assertThat(balancer.pool().snapshot().members()).extracting(Backend::id).containsExactly(id(a));

        Path second = Files.createDirectory(dir.resolve("..2026_01_01_00_01_00.2"));
        Files.writeString(second.resolve("balancer.properties"), "backends=" + a.url() + "," + b.url() + "\n");
        Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(link, data, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(Duration.ofSeconds(15)).until(() -> balancer.pool().snapshot().members().size() == 2);
        assertThat(balancer.pool().snapshot().members()).extracting(Backend::id).containsExactly(id(a), id(b));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Http.get(balancer.url() + "/after");
            return b.requests("/after") > 0;
        });
    }
}
