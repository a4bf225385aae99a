package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancer.testing.EchoServer;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.TestCertificates;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code backendProtocol}: HTTP/2 to backends, with prior knowledge (h2c) or by ALPN over TLS (h2). */
@ThroughBothFrontEnds
class BackendProtocolTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    BackendProtocolTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    private static HttpResponse<String> post(TestBalancer balancer, String body) {
        return Http.send(HttpRequest.newBuilder(URI.create(balancer.url() + "/x")).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void h2cSpeaksHttp2ToAnHttpBackend() throws Exception {
        EchoServer backend = servers.keep(EchoServer.h2c());
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url(), "backendProtocol", "h2c")));
        assertThat(Http.get(balancer.url() + "/").body()).contains("protocol=HTTP/2.0", "body=0\n");
        assertThat(post(balancer, "hello").body()).contains("protocol=HTTP/2.0", "body=5\n");
    }

    @Test
    void h2SpeaksHttp2ByAlpnToAnHttpsBackend(@TempDir Path dir) throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("CA");
        EchoServer backend = servers.keep(EchoServer.h2(TestCertificates.server(ca)));
        Path caFile = ca.write(dir, "ca", true).cert();
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url(), "backendProtocol", "h2",
                "backendTlsCa", caFile.toString(), "healthCheckPath", "/health", "healthCheckInterval", "100ms")));
        HttpResponse<String> response = post(balancer, "hello");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("protocol=HTTP/2.0", "body=5\n", "x-forwarded-proto=http\n");
    }

    @Test
    void byDefaultBackendsGetHttp11() throws Exception {
        EchoServer backend = servers.keep(EchoServer.h2c());
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", backend.url())));
        assertThat(Http.get(balancer.url() + "/").body()).contains("protocol=HTTP/1.1");
    }

    @Test
    void aProtocolThatDoesNotFitTheBackendsSchemeStopsStartup() {
        assertThatThrownBy(() -> new TestBalancer(frontEnd, Map.of("backends", "http://127.0.0.1:9", "backendProtocol", "h2")))
                .hasMessageContaining("backendProtocol='h2'").hasMessageContaining("h2 for https:// backends");
    }
}
