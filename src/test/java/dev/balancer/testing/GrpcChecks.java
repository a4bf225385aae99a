package dev.balancer.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** The gRPC calls every route to {@link GrpcBackend}s is checked with, whatever the client speaks to the balancer. */
public final class GrpcChecks {
    public static final long TIMEOUT_SECONDS = 10;

    private GrpcChecks() {}

    public static CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * 30 unary calls on the channel (one HTTP/2 connection, every call multiplexed over it): each answered with its
     * own request, and the balancer still picks per call, round robin, 10 per backend.
     */
    public static void unaryCallsSpreadEvenly(Channel channel, List<GrpcBackend> backends) {
        List<String> answers = IntStream.range(0, 30)
                .mapToObj(i -> ClientCalls.blockingUnaryCall(channel, GrpcBackend.WHO, deadline(), "q" + i)).toList();

        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i)).endsWith(":q" + i);
        }
        assertThat(backends).allSatisfy(backend -> assertThat(backend.whoCalls()).as(backend.name()).isEqualTo(10));
    }

    /**
     * A call that fails before any message is answered trailers-only (the status travels in the response headers):
     * its code, its description naming one of the backends, and the application's own trailer reach the client.
     */
    public static void notFoundArrivesWithItsTrailers(Channel channel, List<GrpcBackend> backends, String item) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, GrpcBackend.FIND, deadline(), item));

        assertThat(error).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(error.getStatus().getDescription())
                .isIn(backends.stream().map(backend -> "no item " + item + " on " + backend.name()).toList());
        assertThat(error.getTrailers().get(GrpcBackend.MISSING)).isEqualTo(item);
    }
}
