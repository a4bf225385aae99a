package dev.balancer.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigSources;
import dev.balancer.testing.EchoServer;
import dev.balancer.testing.Http;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 without TLS on the clear port (prior knowledge), as gRPC clients and meshes speak it: only when asked. */
class H2cTest {
    private EchoServer backend;
    private StandaloneServer balancer;
    private HttpClient h2c;

    @BeforeEach
    void start() throws Exception {
        backend = EchoServer.http();
        h2c = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        h2c.start();
    }

    @AfterEach
    void stop() throws Exception {
        h2c.stop();
        if (balancer != null) {
            balancer.stop();
        }
        backend.close();
    }

    private String startBalancer(boolean h2cOn) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("backends", backend.url(), "host", "127.0.0.1", "port", "0"));
        if (h2cOn) {
            values.put("h2c", "true");
        }
        balancer = new StandaloneServer(BalancerConfig.from(new ConfigSources().add("test", values, true))).start();
        return "http://127.0.0.1:" + balancer.port() + "/";
    }

    @Test
    void priorKnowledgeH2cReachesAnHttp11Backend() throws Exception {
        String url = startBalancer(true);
        ContentResponse response = h2c.newRequest(url).timeout(5, TimeUnit.SECONDS).send();
        assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(response.getContentAsString()).contains("protocol=HTTP/1.1", "x-forwarded-proto=http\n");
    }

    @Test
    void stoppingSendsGoAwayToHttp2Connections() throws Exception {
        startBalancer(true);
        CountDownLatch settings = new CountDownLatch(1);
        CountDownLatch goAway = new CountDownLatch(1);
        HTTP2Client client = new HTTP2Client();
        client.start();
        try {
            client.connect(new InetSocketAddress("127.0.0.1", balancer.port()), new Session.Listener() {
                @Override
                public void onSettings(Session session, SettingsFrame frame) {
                    settings.countDown(); // the server's session exists
                }

                @Override
                public void onGoAway(Session session, GoAwayFrame frame) {
                    goAway.countDown();
                }
            }).get(5, TimeUnit.SECONDS);
            assertThat(settings.await(5, TimeUnit.SECONDS)).as("server SETTINGS received").isTrue();
            balancer.stop();
            assertThat(goAway.await(5, TimeUnit.SECONDS)).as("GOAWAY received").isTrue();
        } finally {
            client.stop();
        }
    }

    /** gRPC clients send it and gRPC servers check it: the client takes trailers, and the jar passes them back. */
    @Test
    void teTrailersFromAnHttp2ClientReachesTheBackendButNotFromAnHttp11One() throws Exception {
        String url = startBalancer(true);
        ContentResponse overH2 = h2c.newRequest(url).headers(h -> h.put(HttpHeader.TE, "trailers")).timeout(5, TimeUnit.SECONDS).send();
        assertThat(overH2.getContentAsString()).contains("te=trailers\n");

        // Over HTTP/1.1 the jar drops trailers, so it does not claim to take them: TE stays on its hop.
        HttpResponse<String> overH1 = Http.send(HttpRequest.newBuilder(URI.create(url)).header("TE", "trailers").build());
        assertThat(overH1.body()).contains("te=null\n");
    }

    /**
     * The body of known length goes out in one DATA frame that also ends the stream, not followed by an empty one:
     * that extra frame was a socket write of its own per request (docs/performance.md).
     */
    @Test
    void aBodyOfKnownLengthEndsTheStreamWithItsLastDataFrame() throws Exception {
        startBalancer(true);
        List<String> dataFrames = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        HTTP2Client client = new HTTP2Client();
        client.start();
        try {
            Session session = client.connect(new InetSocketAddress("127.0.0.1", balancer.port()), new Session.Listener() {})
                    .get(5, TimeUnit.SECONDS);
            MetaData.Request get = new MetaData.Request("GET", HttpURI.from("http://127.0.0.1:" + balancer.port() + "/"),
                    HttpVersion.HTTP_2, HttpFields.EMPTY);
            session.newStream(new HeadersFrame(get, null, true), new Stream.Listener() {
                @Override
                public void onHeaders(Stream stream, HeadersFrame frame) {
                    assertThat(frame.getMetaData().getHttpFields().getLongField(HttpHeader.CONTENT_LENGTH)).isPositive();
                    stream.demand();
                }

                @Override
                public void onDataAvailable(Stream stream) {
                    Stream.Data data = stream.readData();
                    if (data != null) {
                        DataFrame frame = data.frame();
                        dataFrames.add(frame.remaining() + (frame.isEndStream() ? " bytes, END_STREAM" : " bytes"));
                        data.release();
                        if (frame.isEndStream()) {
                            ended.countDown();
                            return;
                        }
                    }
                    stream.demand();
                }
            }).get(5, TimeUnit.SECONDS);
            assertThat(ended.await(5, TimeUnit.SECONDS)).as("stream ended").isTrue();
            assertThat(dataFrames).hasSize(1).allMatch(frame -> frame.endsWith(" bytes, END_STREAM") && !frame.startsWith("0 "));
        } finally {
            client.stop();
        }
    }

    @Test
    void withoutH2cTheClearPortSpeaksHttp11Only() throws Exception {
        String url = startBalancer(false);
        assertThatThrownBy(() -> h2c.newRequest(url).timeout(5, TimeUnit.SECONDS).send()).isNotNull();
    }
}
