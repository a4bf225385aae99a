package dev.balancer.testing;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server (grpc-java over Netty, plaintext HTTP/2) on an ephemeral loopback port, with a service defined
 * by hand: no protobuf, no generated code, messages are UTF-8 strings.
 * <ul>
 *   <li>{@link #WHO}: unary, answers {@code NAME:request} and counts the calls;</li>
 *   <li>{@link #COUNT}: server streaming, request {@code N} gets the messages 1..N; after the first it waits until the
 *   test {@link #releaseStream() releases} it, so the first message must reach the client while the stream is open.
 *   Request {@code N!} gets the same messages, then ABORTED with a trailer {@code x-missing: N}: trailers after data;</li>
 *   <li>{@link #FIND}: unary, fails with NOT_FOUND, a description and a trailer {@code x-missing: request}.</li>
 * </ul>
 */
public final class GrpcBackend implements AutoCloseable {
    public static final String SERVICE = "balancer.test.Echo";
    public static final Metadata.Key<String> MISSING = Metadata.Key.of("x-missing", Metadata.ASCII_STRING_MARSHALLER);
    public static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    public static final MethodDescriptor<String, String> WHO = method("Who", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<String, String> COUNT = method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<String, String> FIND = method("Find", MethodDescriptor.MethodType.UNARY);

    private final String name;
    private final Server server;
    private final AtomicInteger whoCalls = new AtomicInteger();
    private final CountDownLatch streamReleased = new CountDownLatch(1);

    public GrpcBackend(String name) throws IOException {
        this.name = name;
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    whoCalls.incrementAndGet();
                    response.onNext(name + ":" + request);
                    response.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, response) -> {
                    boolean fail = request.endsWith("!");
                    int n = Integer.parseInt(fail ? request.substring(0, request.length() - 1) : request);
                    response.onNext("1");
                    try {
                        if (!streamReleased.await(30, TimeUnit.SECONDS)) {
                            response.onError(Status.DEADLINE_EXCEEDED.withDescription("never released").asRuntimeException());
                            return;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        response.onError(Status.CANCELLED.asRuntimeException());
                        return;
                    }
                    for (int i = 2; i <= n; i++) {
                        response.onNext(Integer.toString(i));
                    }
                    if (fail) {
                        Metadata trailers = new Metadata();
                        trailers.put(MISSING, Integer.toString(n + 1));
                        response.onError(Status.ABORTED.withDescription("stopped after " + n).asRuntimeException(trailers));
                    } else {
                        response.onCompleted();
                    }
                }))
                .addMethod(FIND, ServerCalls.asyncUnaryCall((request, response) -> {
                    Metadata trailers = new Metadata();
                    trailers.put(MISSING, request);
                    response.onError(Status.NOT_FOUND.withDescription("no item " + request + " on " + name).asRuntimeException(trailers));
                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    }

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    }

    public String name() {
        return name;
    }

    /** {@code http://127.0.0.1:PORT}: gRPC over plaintext HTTP/2, a backend for backendProtocol=h2c. */
    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public int whoCalls() {
        return whoCalls.get();
    }

    /** Lets every {@link #COUNT} stream, held after its first message, send the rest. */
    public void releaseStream() {
        streamReleased.countDown();
    }

    @Override
    public void close() throws InterruptedException {
        releaseStream();
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
