package dev.balancer.bench;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.PoolSnapshot;
import dev.balancer.config.BackendSpec;
import dev.balancer.strategy.ClientRequest;
import dev.balancer.strategy.HashKey;
import dev.balancer.strategy.Strategy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pick path: one {@link PoolSnapshot#pick} over a pool of 3, 100 or 1,000 backends with some requests in flight,
 * built the way the balancer builds it.
 * Run with {@code mvn -B -q -Pbench package && java -jar target/benchmarks.jar -prof gc}; add {@code -t 4} to see
 * four threads picking at once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PickBenchmark {
    @Param({"round-robin", "random", "least-connections", "power-of-two", "least-latency", "hash"})
    public String strategy;

    @Param({"3", "100", "1000"})
    public int backends;

    private PoolSnapshot snapshot;

    @Setup(Level.Trial)
    public void setUp() {
        // As the balancer builds it: the configuration parsed first, then the pool creates its backends.
        List<BackendSpec> specs = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            specs.add(new BackendSpec(URI.create("http://10.0." + (i / 250) + "." + (i % 250) + ":8080"), 1 + i % 3, false, false));
        }
        Strategy chosen = switch (strategy) {
            case "round-robin" -> Strategy.roundRobin();
            case "random" -> Strategy.random();
            case "least-connections" -> Strategy.leastConnections();
            case "power-of-two" -> Strategy.powerOfTwo();
            case "least-latency" -> Strategy.leastLatency(Duration.ofSeconds(10));
            default -> Strategy.hash(HashKey.parse("header:X-User", false));
        };
        BackendPool pool = new BackendPool("bench", chosen, specs, 0, Clock.systemUTC()); // panic off: every backend is healthy
        List<Backend> members = pool.snapshot().members();
        for (int i = 0; i < backends; i++) {
            Backend backend = members.get(i);
            // Every backend measured (1-5 ms), so least-latency compares estimates rather than "not measured yet".
            pool.attemptStarted(backend);
            pool.attemptEnded(backend, 200, (1 + i % 5) * 1_000_000L, null);
            for (int r = 0; r < i % 5; r++) {
                pool.attemptStarted(backend);
            }
        }
        snapshot = pool.snapshot();
    }

    /** Each thread is one client with its own key, as hash strategies see it. */
    @State(Scope.Thread)
    public static class Client {
        final ClientRequest request = new FakeRequest("user-" + Thread.currentThread().getId() * 7919);
    }

    @Benchmark
    public Backend pick(Client client) {
        return snapshot.pick(client.request);
    }

    @Benchmark
    @Threads(4)
    public Backend pick4Threads(Client client) {
        return snapshot.pick(client.request);
    }

    /** A request as strategies see it: a user header (what {@code hashOn=header:user} reads) and a loopback peer. */
    record FakeRequest(String user) implements ClientRequest {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/";
        }

        @Override
        public String query() {
            return null;
        }

        @Override
        public String header(String name) {
            return user;
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }
    }
}
