package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.EchoServer;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 clients (h2c with prior knowledge) and request bodies: HTTP/2 has no Transfer-Encoding, so a body of unknown
 * length is announced by nothing but the stream staying open. The servlet front end lost such bodies (Jetty's proxy
 * servlet saw none); a GET must still reach the backend without one.
 */
@ThroughBothFrontEnds
class Http2RequestBodyTest {
    private final FrontEnd frontEnd;
    private EchoServer backend;
    private TestBalancer balancer;
    private HttpClient h2c;

    Http2RequestBodyTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
    }

    @BeforeEach
    void start() throws Exception {
        backend = EchoServer.http();
        balancer = new TestBalancer(frontEnd, Map.of("backends", backend.url(), "h2c", "true"));
        h2c = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        h2c.start();
    }

    @AfterEach
    void stop() throws Exception {
        h2c.stop();
        balancer.close();
        backend.close();
    }

    @Test
    void aStreamedBodyWithoutLengthReachesTheBackend() throws Exception {
        AsyncRequestContent body = new AsyncRequestContent("application/octet-stream");
        Request upload = h2c.newRequest(balancer.url() + "/upload").method(HttpMethod.POST).body(body)
                .timeout(10, TimeUnit.SECONDS);
        CountDownLatch headersSent = new CountDownLatch(1);
        upload.onRequestCommit(committed -> headersSent.countDown());
        CompletableFuture<ContentResponse> response = new CompletableResponseListener(upload).send();
        // The rest only after the headers left without a Content-Length: the length is unknown, the stream stays open.
        body.write(ByteBuffer.wrap(new byte[40_000]), Callback.NOOP);
        assertThat(headersSent.await(10, TimeUnit.SECONDS)).isTrue();
        body.write(ByteBuffer.wrap(new byte[25_000]), Callback.NOOP);
        body.close();

        assertThat(upload.getHeaders().get(HttpHeader.CONTENT_LENGTH)).isNull();
        ContentResponse answer = response.get(10, TimeUnit.SECONDS);
        assertThat(answer.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(answer.getContentAsString()).contains("body=65000\n");
    }

    @Test
    void aGetReachesTheBackendWithoutABody() throws Exception {
        ContentResponse response = h2c.newRequest(balancer.url() + "/").timeout(10, TimeUnit.SECONDS).send();
        assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(response.getContentAsString()).contains("body=0\n", "transfer-encoding=null");
    }
}
