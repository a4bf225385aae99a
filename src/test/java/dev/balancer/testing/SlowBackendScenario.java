package dev.balancer.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two slow-backend scenarios the quality tests assert on and {@code docs/strategies.md} reports: three backends
 * named {@code fast1}, {@code fast2} and {@code slow} behind a fresh balancer, loaded at a fixed rate.
 */
public enum SlowBackendScenario {
    /**
     * One backend adds 200 ms to every answer; the others answer at once. No backend runs out of capacity, so only
     * latency tells them apart. 100 requests a second, 50 of warm-up then 300 measured.
     */
    PLUS_200_MS(100, 50, 300) {
        @Override
        void configure(TestBackend backend, boolean slow) {
            backend.delay(slow ? 200 : 0);
        }
    },
    /**
     * Alike servers with one worker each: 10 ms a request, the slow one 50 ms. It can serve 20 requests a second, the
     * others 100 each. At 100 requests a second, round robin sends it 33 a second and its queue grows all run long;
     * a load-aware strategy sees requests piling up there and sends them elsewhere. 25 of warm-up, 250 measured.
     */
    FIVE_TIMES_SLOWER(100, 25, 250) {
        @Override
        void configure(TestBackend backend, boolean slow) {
            backend.workers(1);
            backend.delay(slow ? 50 : 10);
        }
    };

    public static final String SLOW = "slow";

    private final int perSecond;
    private final int warmup;
    private final int measured;

    SlowBackendScenario(int perSecond, int warmup, int measured) {
        this.perSecond = perSecond;
        this.warmup = warmup;
        this.measured = measured;
    }

    abstract void configure(TestBackend backend, boolean slow);

    /** Runs the scenario once through a front end with a strategy ({@code hash} hashes on the URI, and every request has its own path). */
    public LoadGenerator.Result run(FrontEnd frontEnd, String strategy) throws Exception {
        List<AutoCloseable> servers = new ArrayList<>();
        try {
            List<String> urls = new ArrayList<>();
            for (String name : List.of("fast1", "fast2", SLOW)) {
                TestBackend backend = new TestBackend(name);
                servers.add(backend);
                configure(backend, name.equals(SLOW));
                urls.add(backend.url());
            }
            Map<String, String> params = new HashMap<>(Map.of("backends", String.join(",", urls), "strategy", strategy));
            if (strategy.equals("hash")) {
                params.put("hashOn", "uri");
            }
            TestBalancer balancer = new TestBalancer(frontEnd, params);
            servers.add(balancer);
            return LoadGenerator.paced(balancer.url() + "/work", perSecond, warmup, measured);
        } finally {
            for (AutoCloseable server : servers) {
                server.close();
            }
        }
    }
}
