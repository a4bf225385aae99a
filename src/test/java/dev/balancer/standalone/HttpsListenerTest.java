package dev.balancer.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigSources;
import dev.balancer.testing.EchoServer;
import dev.balancer.testing.PrometheusText;
import dev.balancer.testing.TestCertificates;
import dev.balancer.testing.TestCertificates.Issued;
import dev.balancer.testing.TestCertificates.Pem;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runnable jar's HTTPS listener, with certificates made in the test and a JDK client that trusts their CA; every
 * test with each TLS implementation ({@code tlsProvider}).
 */
@ParameterizedClass
@ValueSource(strings = {"jdk", "conscrypt"})
class HttpsListenerTest {
    @Parameter
    String provider;

    @TempDir
    static Path dir;
    private static Issued ca;
    private static SSLContext trustingCa;

    private EchoServer backend;
    private Pem pem;
    private StandaloneServer balancer;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCertificates.ca("Test CA");
        trustingCa = ca.trustedByClient();
    }

    @BeforeEach
    void startBackend() throws Exception {
        backend = EchoServer.http();
        pem = TestCertificates.server(ca).write(dir, "server", true);
    }

    @AfterEach
    void stop() throws Exception {
        if (balancer != null) {
            balancer.stop();
        }
        backend.close();
    }

    private StandaloneServer start(Map<String, String> extra) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("backends", backend.url(), "host", "127.0.0.1", "port", "0",
                "httpsPort", "0", "tlsCert", pem.cert().toString(), "tlsKey", pem.key().toString(), "tlsReloadInterval", "0", "tlsProvider", provider));
        values.putAll(extra);
        balancer = new StandaloneServer(BalancerConfig.from(new ConfigSources().add("test", values, true))).start();
        return balancer;
    }

    private String https() {
        return "https://127.0.0.1:" + balancer.httpsPort();
    }

    private HttpClient client(HttpClient.Version version) {
        return HttpClient.newBuilder().sslContext(trustingCa).version(version).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The serial number of the certificate a new TLS connection is shown. */
    private BigInteger servedSerial() throws IOException {
        try (SSLSocket socket = (SSLSocket) trustingCa.getSocketFactory().createSocket("127.0.0.1", balancer.httpsPort())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    @Test
    void servesHttpsAndTellsTheBackendTheSchemeOverHttp11() throws Exception {
        start(Map.of("stickyCookie", "route"));
        HttpResponse<String> response = get(client(HttpClient.Version.HTTP_1_1), https() + "/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("protocol=HTTP/1.1", "x-forwarded-proto=https");
        assertThat(response.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> assertThat(cookie).contains("; Secure"));

        HttpResponse<String> clear = get(client(HttpClient.Version.HTTP_1_1), "http://127.0.0.1:" + balancer.port() + "/");
        assertThat(clear.body()).contains("x-forwarded-proto=http\n");
        assertThat(clear.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> assertThat(cookie).doesNotContain("Secure"));
    }

    /** A client that offers only http/1.1 by ALPN (curl --http1.1, openssl s_client -alpn http/1.1) was cut off. */
    @Test
    void handshakesWithTheConfiguredProvider() throws Exception {
        start(Map.of());
        String expected = provider.equals("conscrypt") ? "Conscrypt" : "SunJSSE";
        assertThat(balancer.tls().factory().getSslContext().getProvider().getName()).isEqualTo(expected);
        assertThat(get(client(HttpClient.Version.HTTP_2), https() + "/").statusCode()).isEqualTo(200);
    }

    @Test
    void servesAClientWhoseAlpnOffersOnlyHttp11() throws Exception {
        start(Map.of());
        try (SSLSocket socket = (SSLSocket) trustingCa.getSocketFactory().createSocket("127.0.0.1", balancer.httpsPort())) {
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + balancer.httpsPort() + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            assertThat(answer).startsWith("HTTP/1.1 200").contains("x-forwarded-proto=https");
        }
    }

    @Test
    void speaksH2ByAlpnAndForwardsAsHttp11() throws Exception {
        start(Map.of());
        HttpResponse<String> response = get(client(HttpClient.Version.HTTP_2), https() + "/");
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).contains("body=0\n", "protocol=HTTP/1.1", "x-forwarded-proto=https", "transfer-encoding=null");
    }

    @Test
    void anH2BodyWithoutContentLengthReachesTheBackend() throws Exception {
        start(Map.of());
        byte[] body = new byte[100_000];
        HttpRequest post = HttpRequest.newBuilder(URI.create(https() + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build();
        HttpResponse<String> response = client(HttpClient.Version.HTTP_2).send(post, HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).contains("body=100000\n", "transfer-encoding=chunked");
    }

    @Test
    void offersTls13And12ButRefusesTls11() throws Exception {
        start(Map.of());
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            try (SSLSocket socket = (SSLSocket) trustingCa.getSocketFactory().createSocket("127.0.0.1", balancer.httpsPort())) {
                socket.setEnabledProtocols(new String[] {protocol});
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            }
        }
        // The JDK's client refuses TLS 1.1 itself, so a TLS 1.1 ClientHello is written by hand: the answer is an alert.
        try (Socket socket = new Socket("127.0.0.1", balancer.httpsPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(tls11ClientHello());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int contentType = in.read();
            assertThat(contentType).as("TLS record type: 21 is an alert, 22 would be a ServerHello").isIn(21, -1);
        }
    }

    /** A TLS 1.1 ClientHello offering CBC suites for RSA and ECDSA, without extensions. */
    private static byte[] tls11ClientHello() {
        byte[] body = new byte[2 + 32 + 1 + 2 + 6 + 2];
        int i = 0;
        body[i++] = 3;
        body[i++] = 2; // TLS 1.1
        i += 32; // random: zeros do for a handshake that must fail anyway
        body[i++] = 0; // no session id
        body[i++] = 0;
        body[i++] = 6;
        for (int suite : new int[] {0xc009, 0xc013, 0x002f}) {
            body[i++] = (byte) (suite >> 8);
            body[i++] = (byte) suite;
        }
        body[i++] = 1;
        body[i] = 0; // null compression
        byte[] record = new byte[5 + 4 + body.length];
        byte[] header = {22, 3, 1, 0, (byte) (4 + body.length), 1, 0, 0, (byte) body.length};
        System.arraycopy(header, 0, record, 0, header.length);
        System.arraycopy(body, 0, record, header.length, body.length);
        return record;
    }

    @Test
    void redirectsTheClearPortToHttpsExceptHealth() throws Exception {
        start(Map.of("redirectToHttps", "true"));
        HttpClient client = client(HttpClient.Version.HTTP_1_1);
        String clear = "http://127.0.0.1:" + balancer.port();
        HttpResponse<String> redirected = get(client, clear + "/a/b?c=1");
        assertThat(redirected.statusCode()).isEqualTo(308);
        assertThat(redirected.headers().firstValue("Location")).hasValue(https() + "/a/b?c=1");
        assertThat(get(client, clear + "/_balancer/health").statusCode()).isEqualTo(200);
        assertThat(get(client, https() + "/a").statusCode()).isEqualTo(200);
    }

    @Test
    void reloadsAChangedCertificateWhileRequestsFlowAndPublishesItsExpiry() throws Exception {
        start(Map.of("tlsReloadInterval", "50ms"));
        HttpClient client = client(HttpClient.Version.HTTP_1_1);
        BigInteger before = servedSerial();
        Issued renewed = TestCertificates.server(ca);
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread loop = new Thread(() -> {
            HttpClient kept = client(HttpClient.Version.HTTP_1_1);
            for (int n = 0; n < 20_000 && !stop.get(); n++) {
                try {
                    // One keep-alive connection, and a new one every 10th request: both must keep working.
                    int status = get(n % 10 == 0 ? client(HttpClient.Version.HTTP_1_1) : kept, https() + "/").statusCode();
                    failures.addAndGet(status == 200 ? 0 : 1);
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
                requests.incrementAndGet();
            }
        });
        loop.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() >= 20);
        renewed.write(dir, "server", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> !servedSerial().equals(before));
        int atReload = requests.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() >= atReload + 20);
        stop.set(true);
        loop.join();
        assertThat(servedSerial()).isEqualTo(renewed.certificate().getSerialNumber());
        assertThat(failures.get()).as("failed requests of %d", requests.get()).isZero();
        String metrics = get(client, https() + "/_balancer/metrics").body();
        double expiry = PrometheusText.parse(metrics).value("balancer_tls_certificate_expiry_seconds", Map.of());
        assertThat((long) expiry).isEqualTo(renewed.certificate().getNotAfter().toInstant().getEpochSecond());
    }

    @Test
    void aBadNewFileKeepsTheOldCertificate() throws Exception {
        start(Map.of());
        BigInteger before = servedSerial();
        Files.writeString(pem.cert(), "-----BEGIN CERTIFICATE-----\ntruncated");
        balancer.tls().reloadIfChanged();
        assertThat(servedSerial()).isEqualTo(before);
        // A new certificate with the old key: the pair does not match, still the old one.
        TestCertificates.server(ca).write(dir, "other", true);
        Files.copy(dir.resolve("other.crt"), pem.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        balancer.tls().reloadIfChanged();
        assertThat(servedSerial()).isEqualTo(before);
        assertThat(get(client(HttpClient.Version.HTTP_1_1), https() + "/").statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyThatDoesNotMatchStopsStartupNamingIt() throws Exception {
        Pem other = TestCertificates.server(ca).write(dir, "stranger", true);
        assertThatThrownBy(() -> start(Map.of("tlsKey", other.key().toString())))
                .hasMessageContaining("tlsKey=").hasMessageContaining("does not match");
    }
}
