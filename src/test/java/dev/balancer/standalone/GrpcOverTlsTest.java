package dev.balancer.standalone;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigSources;
import dev.balancer.testing.GrpcBackend;
import dev.balancer.testing.GrpcChecks;
import dev.balancer.testing.TestCertificates;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gRPC over h2 with TLS to the jar's HTTPS listener (with each {@code tlsProvider}), h2c to three real grpc-java
 * servers behind it: the client verifies the listener's certificate against the test's CA and negotiates h2 by ALPN.
 */
@ParameterizedClass
@ValueSource(strings = {"jdk", "conscrypt"})
class GrpcOverTlsTest {
    @Parameter
    String provider;
    @TempDir
    Path dir;

    private final List<GrpcBackend> backends = new ArrayList<>();
    private StandaloneServer balancer;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        for (String name : List.of("t0", "t1", "t2")) {
            backends.add(new GrpcBackend(name));
        }
        TestCertificates.Issued ca = TestCertificates.ca("gRPC CA");
        TestCertificates.Pem server = TestCertificates.server(ca).write(dir, "server", true);
        TestCertificates.Pem caFiles = ca.write(dir, "ca", true);
        String urls = backends.stream().map(GrpcBackend::url).collect(Collectors.joining(","));
        Map<String, String> values = Map.of("backends", urls, "backendProtocol", "h2c", "host", "127.0.0.1", "port", "0",
                "httpsPort", "0", "tlsCert", server.cert().toString(), "tlsKey", server.key().toString(),
                "tlsReloadInterval", "0", "tlsProvider", provider);
        balancer = new StandaloneServer(BalancerConfig.from(new ConfigSources().add("test", values, true))).start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", balancer.httpsPort(),
                TlsChannelCredentials.newBuilder().trustManager(caFiles.cert().toFile()).build()).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (balancer != null) {
            balancer.stop();
        }
        for (GrpcBackend backend : backends) {
            backend.close();
        }
    }

    @Test
    void unaryCallsOverTlsSpreadOverEveryBackend() {
        GrpcChecks.unaryCallsSpreadEvenly(channel, backends);
    }

    @Test
    void anErrorStatusReachesTheClientWithItsTrailers() {
        GrpcChecks.notFoundArrivesWithItsTrailers(channel, backends, "7");
    }
}
