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

                Files.writeString(file, "backends=" + a.url() + "," + b.url() + "\nport=1\n");
                balancer.sighup();
                balancer.awaitLog("backend " + b.url() + " added", Duration.ofSeconds(10));
                await().atMost(Duration.ofSeconds(10)).until(() -> admin.status().get("backends").size() == 2);
                assertThat(balancer.log()).contains("SIGHUP received", "apply only after a restart: port");
                assertThat(balancer.isAlive()).isTrue();
            }
        }
    }
}
