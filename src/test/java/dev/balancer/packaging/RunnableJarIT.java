package dev.balancer.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.Http;
import dev.balancer.testing.PrometheusText;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestCertificates;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** target/balancer.jar started the way a user starts it, as its own process. */
class RunnableJarIT {

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/balancer.jar"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void jarBalancesThreeBackendsRoundRobinAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b"); TestBackend c = new TestBackend("c")) {
            int port = freePort();
            Path log = dir.resolve("balancer.log");
            Process process = start(log, "--host=127.0.0.1", "--port=" + port, "--shutdownDelay=0s",
                    "--backends=" + a.url() + "," + b.url() + "," + c.url());
            try {
                String url = "http://127.0.0.1:" + port + "/";
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> Http.get(url + "ready").statusCode() == 200);
                Map<String, Integer> counts = new HashMap<>();
                for (int i = 0; i < 30; i++) {
                    counts.merge(Http.get(url + "n").body().split(" ")[0], 1, Integer::sum);
                }
                assertThat(counts).isEqualTo(Map.of("a", 10, "b", 10, "c", 10));
                // The shaded jar carries the admin page and the metrics library.
                assertThat(Http.get(url + "_balancer/").body()).contains("page.js");
                await().untilAsserted(() -> assertThat(PrometheusText.parse(Http.get(url + "_balancer/metrics").body())
                        .value("balancer_backend_requests_total", Map.of("backend", "127.0.0.1:" + a.port(), "code", "2xx")))
                        .isGreaterThanOrEqualTo(10));
                assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("listening on http://127.0.0.1:" + port)
                        .contains("round-robin");
            } finally {
                process.destroy();
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isIn(0, 143);
        }
    }

    @Test
    void badConfigExitsNonZeroNamingKeyValueAndChoices(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("bad.log");
        Process process = start(log, "--backends=http://127.0.0.1:1", "--strategy=fastest");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).contains("strategy='fastest'").contains("round-robin");
    }

    /** Conscrypt's native library and its ALPN processor must survive the shading: h2 over TLS by BoringSSL. */
    @Test
    void servesH2OverTlsWithConscrypt(@TempDir Path dir) throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("Jar CA");
        TestCertificates.Pem pem = TestCertificates.server(ca).write(dir, "server", true);
        try (TestBackend a = new TestBackend("a")) {
            int httpsPort = freePort();
            Path log = dir.resolve("tls.log");
            Process process = start(log, "--host=127.0.0.1", "--port=0", "--shutdownDelay=0s", "--backends=" + a.url(),
                    "--httpsPort=" + httpsPort, "--tlsCert=" + pem.cert(), "--tlsKey=" + pem.key(), "--tlsProvider=conscrypt");
            try {
                HttpClient client = HttpClient.newBuilder().sslContext(ca.trustedByClient()).version(HttpClient.Version.HTTP_2).build();
                HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + "/n")).build();
                HttpResponse<String> response = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> client.send(request, HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200);
                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(response.body()).startsWith("a ");
                assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("TLS by Conscrypt");
            } finally {
                process.destroy();
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
