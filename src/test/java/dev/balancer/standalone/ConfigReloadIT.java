package dev.balancer.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.AdminClient;
import dev.balancer.testing.BalancerProcess;
import dev.balancer.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP to the runnable jar rereads its --config file: an invalid file changes nothing, a valid one applies. */
class ConfigReloadIT {

    @Test
    void sighupReloadsTheConfigFile(@TempDir Path dir) throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b")) {
            Path file = Files.writeString(dir.resolve("balancer.properties"), "backends=" + a.url() + "\n");
            try (BalancerProcess balancer = BalancerProcess.startJar(dir, List.of(), "--config=" + file).awaitListening()) {
                AdminClient admin = new AdminClient(balancer.url() + "/_balancer");

                Files.writeString(file, "backends=" + a.url() + "," + b.url() + "\nmaxFails=0\n");
                balancer.sighup();
                balancer.awaitLog("maxFails='0'", Duration.ofSeconds(10));
                assertThat(admin.status().get("backends")).hasSize(1);
                assertThat(admin.metrics().value("balancer_config_reload_failures_total", Map.of())).isEqualTo(1.0);

                Files.writeString(file, "backends=" + a.url() + "," + b.url() + "\nretries=3\nport=1\n");
                balancer.sighup();
                // The last line a reload logs; port=1 is no change, the flag --port wins over the file.
                balancer.awaitLog("apply only after a restart: retries '1' -> '3'\n", Duration.ofSeconds(10));
                assertThat(balancer.log()).contains("SIGHUP received", "configuration reloaded: backend " + b.url() + " added");
                await().atMost(Duration.ofSeconds(10)).until(() -> admin.status().get("backends").size() == 2);
                assertThat(balancer.isAlive()).isTrue();
            }
        }
    }
}
