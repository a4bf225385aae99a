package dev.balancer.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.PrometheusText;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A browser that cancels a download hangs up mid-response. That is the client's doing: the backend must not be
 * ejected for it, nor its failures counted; the hang-ups are counted as client aborts instead.
 */
@ThroughBothFrontEnds
class ClientAbortTest {
    @RegisterExtension
    final Servers servers;

    ClientAbortTest(FrontEnd frontEnd) {
        this.servers = new Servers(frontEnd);
    }

    @Test
    void cancelledDownloadsNeitherEjectNorBlameTheBackend() throws Exception {
        TestBackend a = servers.backend("a");
        TestBalancer balancer = servers.balancer(List.of(a), "maxFails", "2", "failTimeout", "60s");
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        String id = "127.0.0.1:" + a.port();

        int cancelled = 3;
        for (int i = 0; i < cancelled; i++) {
            cancelDownload(balancer.port(), "/bytes/" + 64 * 1024 * 1024);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.metrics()
                .value("balancer_requests_total", Map.of("code", "2xx")) == cancelled);

        assertThat(admin.backend(id).get("state").asText()).isEqualTo("healthy");
        assertThat(admin.metrics().value("balancer_backend_failures_total", Map.of("backend", id))).isZero();
        assertThat(clientAborts(admin)).isEqualTo(cancelled);
        assertThat(Http.get(balancer.url() + "/bytes/10").statusCode()).isEqualTo(200);
    }

    private static double clientAborts(AdminClient admin) {
        return admin.metrics().value("balancer_client_aborts_total", Map.of());
    }

    /** Reads the status line and a little of the body, then resets the connection as a cancelling browser does. */
    private static void cancelDownload(int port, String path) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoLinger(true, 0); // closing resets the connection, whatever the assertions below say
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            int read = in.readNBytes(buffer, 0, buffer.length);
            assertThat(new String(buffer, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            assertThat(read).isEqualTo(buffer.length);
        }
    }
}
