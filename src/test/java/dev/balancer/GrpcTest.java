package dev.balancer;

import static dev.balancer.testing.GrpcChecks.TIMEOUT_SECONDS;
import static dev.balancer.testing.GrpcChecks.deadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.GrpcBackend;
import dev.balancer.testing.GrpcChecks;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC through both front ends: a real grpc-java client speaking h2c with prior knowledge to the clear port
 * ({@code h2c=true}; for the servlet, its Jetty's connector speaks h2c as a container's would), three real grpc-java
 * servers behind it reached with {@code backendProtocol=h2c}. gRPC needs what plain HTTP/2 proxying may get wrong:
 * responses that stream, trailers after the data (grpc-status), and trailers-only responses that carry an error in
 * the headers.
 */
@ThroughBothFrontEnds
class GrpcTest {
    private final FrontEnd frontEnd;
    private final List<GrpcBackend> backends = new ArrayList<>();
    private TestBalancer balancer;
    private ManagedChannel channel;

    GrpcTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
    }

    @BeforeEach
    void start() throws Exception {
        for (String name : List.of("g0", "g1", "g2")) {
            backends.add(new GrpcBackend(name));
        }
        String urls = backends.stream().map(GrpcBackend::url).collect(Collectors.joining(","));
        balancer = new TestBalancer(frontEnd, Map.of("backends", urls, "backendProtocol", "h2c", "h2c", "true"));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", balancer.port()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        if (balancer != null) {
            balancer.close();
        }
        for (GrpcBackend backend : backends) {
            backend.close();
        }
    }

    /**
     * The balancer's HTTP/2 connections to its backends are not part of the server's graceful stop: that would send
     * them a GOAWAY and wait for them to close, which grpc-java's servers never do, so every stop took the whole
     * shutdownTimeout (30 s) and logged connections "still open".
     */
    @Test
    void stopsAtOnceWhileTheGrpcBackendsStayUp() {
        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcBackend.WHO, deadline(), "q")).endsWith(":q");
        channel.shutdownNow();

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> balancer.close());
        balancer = null;
    }

    @Test
    void unaryCallsOnOneConnectionSpreadOverEveryBackend() {
        GrpcChecks.unaryCallsSpreadEvenly(channel, backends);
    }

    @Test
    void aServerStreamArrivesInOrderWhileOpenAndEndsWithStatusOk() throws Exception {
        StreamCall stream = StreamCall.start(channel, "100");

        // The backend holds the stream after its first message: only a proxy that passes data on at once delivers it.
        assertThat(stream.first.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("first message while the stream is open").isTrue();
        backends.forEach(GrpcBackend::releaseStream);

        Status status = stream.closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(status.getCode()).as(String.valueOf(status)).isEqualTo(Status.Code.OK);
        assertThat(stream.messages).containsExactlyElementsOf(IntStream.rangeClosed(1, 100).mapToObj(Integer::toString).toList());
    }

    @Test
    void anErrorAfterStreamedMessagesReachesTheClientWithItsTrailers() throws Exception {
        backends.forEach(GrpcBackend::releaseStream);
        StreamCall stream = StreamCall.start(channel, "3!");

        Status status = stream.closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        // grpc-status, grpc-message and the application's own trailer come in HTTP/2 trailers, after the data.
        assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(status.getDescription()).isEqualTo("stopped after 3");
        assertThat(stream.trailers.get(GrpcBackend.MISSING)).isEqualTo("4");
        assertThat(stream.messages).containsExactly("1", "2", "3");
    }

    @Test
    void anErrorStatusReachesTheClientWithItsCodeDescriptionAndTrailers() {
        GrpcChecks.notFoundArrivesWithItsTrailers(channel, backends, "42");
    }

    /** A server-streaming call with a listener of its own, which sees every message, the status and the trailers. */
    private static final class StreamCall {
        final List<String> messages = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch first = new CountDownLatch(1);
        final CompletableFuture<Status> closed = new CompletableFuture<>();
        volatile Metadata trailers;

        static StreamCall start(ManagedChannel channel, String request) {
            StreamCall stream = new StreamCall();
            ClientCall<String, String> call = channel.newCall(GrpcBackend.COUNT, deadline());
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(String message) {
                    stream.messages.add(message);
                    stream.first.countDown();
                    call.request(1);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    stream.trailers = trailers;
                    stream.closed.complete(status);
                }
            }, new Metadata());
            call.request(1);
            call.sendMessage(request);
            call.halfClose();
            return stream;
        }
    }
}
