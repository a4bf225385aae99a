package dev.balancer.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.BalancerProcess;
import dev.balancer.testing.Dockerfile;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image, without a container engine: the Dockerfile is checked, and its ENTRYPOINT is run exactly as
 * written (only the jar's path inside the image replaced by target/balancer.jar), configured through BALANCER_*
 * environment variables the way the Kubernetes ConfigMap does.
 */
class ContainerImageIT {

    @Test
    void theDockerfileBuildsWithMavenAndRunsOnAJreAsAnUnprivilegedUser() throws Exception {
        Dockerfile dockerfile = Dockerfile.read();
        List<String> stages = dockerfile.all("FROM");
        assertThat(stages).hasSize(2);
        assertThat(stages.get(0)).startsWith("maven:").endsWith(" AS build");
        assertThat(stages.get(1)).matches("eclipse-temurin:(17|21|25)-jre");
        assertThat(dockerfile.last("USER")).doesNotStartWith("root").doesNotStartWith("0");
        assertThat(dockerfile.last("EXPOSE")).isEqualTo("8080");
        assertThat(dockerfile.all("RUN")).anyMatch(run -> run.contains("mvn") && run.contains("package"));
        assertThat(dockerfile.entrypoint()).first().isEqualTo("java");
        assertThat(dockerfile.entrypoint()).anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage="));
        assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("target", ".git");
    }

    @Test
    void theEntrypointServesAndExitsZeroOnSigterm(@TempDir Path dir) throws Exception {
        Dockerfile dockerfile = Dockerfile.read();
        String copy = dockerfile.all("COPY").stream().filter(c -> c.startsWith("--from=build ")).findFirst().orElseThrow();
        String jarInImage = copy.substring(copy.lastIndexOf(' ') + 1);
        List<String> entrypoint = dockerfile.entrypoint();
        assertThat(entrypoint).contains(jarInImage);

        List<String> command = new ArrayList<>();
        for (String word : entrypoint) {
            command.add(word.equals("java") ? BalancerProcess.java() : word.equals(jarInImage) ? BalancerProcess.JAR.toString() : word);
        }
        try (TestBackend backend = new TestBackend("a")) {
            int port = BalancerProcess.freePort();
            Map<String, String> environment = Map.of("BALANCER_BACKENDS", backend.url(), "BALANCER_HOST", "127.0.0.1",
                    "BALANCER_PORT", String.valueOf(port), "BALANCER_SHUTDOWN_DELAY", "0s");
            try (BalancerProcess balancer = BalancerProcess.start(dir, command, environment, port).awaitListening()) {
                for (int i = 0; i < 3; i++) {
                    assertThat(Http.get(balancer.url() + "/from-the-image").body()).isEqualTo("a GET /from-the-image");
                }
                balancer.sigterm();
                assertThat(balancer.awaitExit(Duration.ofSeconds(30))).isZero();
            }
        }
    }
}
