package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.backend.BackendState;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.PoolSnapshot;
import dev.balancer.testing.EchoServer;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.TestCertificates;
import dev.balancer.testing.TestCertificates.Issued;
import dev.balancer.testing.TestCertificates.Pem;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code https://} backends: verified by default against the configured CA, with the host name; each way a
 * certificate can be wrong answers 502 naming the backend and the reason, and counts against the backend.
 */
@ThroughBothFrontEnds
class BackendTlsTest {
    @TempDir
    static Path dir;
    private static Issued ca;
    private static Issued clientCa;
    private static Path caFile;

    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    BackendTlsTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    @BeforeAll
    static void makeCertificates() throws Exception {
        ca = TestCertificates.ca("Backend CA");
        clientCa = TestCertificates.ca("Client CA");
        caFile = ca.write(dir, "ca", true).cert();
    }

    private static Instant ago(int days) {
        return Instant.now().minus(Duration.ofDays(days));
    }

    private HttpResponse<String> through(EchoServer backend, Map<String, String> extra) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("backends", backend.url(), "backendTlsCa", caFile.toString(), "retries", "0",
                "maxFails", "1"));
        values.putAll(extra);
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, values));
        HttpResponse<String> response = Http.get(balancer.url() + "/");
        if (response.statusCode() == 502) {
            // A TLS failure counts against the backend: with maxFails=1 it is ejected, for that reason.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                PoolSnapshot pool = balancer.pool().snapshot();
                BackendState state = pool.state(pool.members().get(0));
                assertThat(state.status()).isEqualTo(BackendStatus.EJECTED);
                assertThat(state.reason()).contains("TLS handshake failed");
            });
        }
        return response;
    }

    @Test
    void aBackendWithACertificateFromTheTrustedCaIsReached() throws Exception {
        EchoServer backend = servers.keep(EchoServer.https(TestCertificates.server(ca), null));
        HttpResponse<String> response = through(backend, Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("protocol=HTTP/1.1");
    }

    @Test
    void selfSignedWrongHostAndExpiredCertificatesGet502WithTheReason() throws Exception {
        Issued selfSigned = TestCertificates.issue(null, "self", TestCertificates.ecKeys(), ago(1), ago(-1), "127.0.0.1");
        Issued wrongHost = TestCertificates.issue(ca, "other", TestCertificates.ecKeys(), ago(1), ago(-1), "other.example");
        Issued expired = TestCertificates.issue(ca, "old", TestCertificates.ecKeys(), ago(10), ago(1), "127.0.0.1");
        Map<Issued, String> reasons = Map.of(selfSigned, "certificate not trusted", wrongHost, "certificate does not match the host name",
                expired, "certificate expired");
        for (Map.Entry<Issued, String> certificate : reasons.entrySet()) {
            EchoServer backend = servers.keep(EchoServer.https(certificate.getKey(), null));
            HttpResponse<String> response = through(backend, Map.of());
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("backend " + backend.url().replace("https://", "") + " failed: ", "TLS handshake failed: " + certificate.getValue());
        }
    }

    @Test
    void verificationCanBeTurnedOffExplicitly() throws Exception {
        Issued selfSigned = TestCertificates.issue(null, "self", TestCertificates.ecKeys(), ago(1), ago(-1), "127.0.0.1");
        EchoServer backend = servers.keep(EchoServer.https(selfSigned, null));
        assertThat(through(backend, Map.of("backendTlsVerify", "false")).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientCertificateIsPresentedToABackendThatRequiresOne() throws Exception {
        EchoServer backend = servers.keep(EchoServer.https(TestCertificates.server(ca), clientCa));
        Pem client = TestCertificates.issue(clientCa, "balancer", TestCertificates.ecKeys(), ago(1), ago(-1), "balancer.example")
                .write(dir, "client", false);
        assertThat(through(backend, Map.of("backendTlsCert", client.cert().toString(), "backendTlsKey", client.key().toString()))
                .statusCode()).isEqualTo(200);
        assertThat(through(backend, Map.of()).statusCode()).isEqualTo(502);
    }
}
