package dev.balancer.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigSources;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.junit.jupiter.api.Test;

/**
 * Every buffer the jar reads and writes with comes from a pool bucket. A buffer too large for any bucket is allocated
 * and dropped on each use; with direct buffers that ends in a full GC whenever the direct-memory limit is reached,
 * which halved the jar's throughput when the input buffer outgrew Jetty's default pool.
 */
class BufferPoolTest {

    @Test
    void smallAndLargeExchangesDrawEveryBufferFromTheSharedPool() throws Exception {
        try (TestBackend backend = new TestBackend("a")) {
            BalancerConfig config = BalancerConfig.from(new ConfigSources().add("test",
                    Map.of("backends", backend.url(), "host", "127.0.0.1", "port", "0"), true));
            StandaloneServer server = new StandaloneServer(config).start();
            try {
                ArrayByteBufferPool pool = (ArrayByteBufferPool) server.bufferPool();
                pool.setStatisticsEnabled(true);
                String url = "http://127.0.0.1:" + server.port();
                for (int i = 0; i < 20; i++) {
                    assertThat(Http.get(url + "/small").statusCode()).isEqualTo(200);
                }
                byte[] body = new byte[4 * StandaloneServer.INPUT_BUFFER];
                HttpRequest upload = HttpRequest.newBuilder(URI.create(url + "/upload"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                assertThat(Http.send(upload).statusCode()).isEqualTo(200);
                assertThat(backend.bodyBytes()).isEqualTo(body.length);

                assertThat(pool.getDirectByteBufferCount() + pool.getHeapByteBufferCount())
                        .as("the client and the server pooled their buffers here").isPositive();
                assertThat(pool.getNoBucketDirectAcquires()).as("direct buffers larger than every bucket").isEmpty();
                assertThat(pool.getNoBucketHeapAcquires()).as("heap buffers larger than every bucket").isEmpty();
            } finally {
                server.stop();
            }
        }
    }
}
