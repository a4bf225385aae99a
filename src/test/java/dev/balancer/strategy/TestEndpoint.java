package dev.balancer.strategy;

import java.util.ArrayList;
import java.util.List;

/** An endpoint whose numbers a test sets: what a pool's backend shows a strategy, without a pool. */
final class TestEndpoint implements Endpoint {
    private final String key;
    private final int weight;
    private int inFlight;

    TestEndpoint(String key, int weight) {
        this.key = key;
        this.weight = weight;
    }

    /** Endpoints {@code http://10.0.0.1:8080}, {@code http://10.0.0.2:8080}... with these weights. */
    static List<TestEndpoint> endpoints(int... weights) {
        List<TestEndpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(new TestEndpoint("http://10.0.0." + (i + 1) + ":8080", weights[i]));
        }
        return list;
    }

    void requestStarted() {
        inFlight++;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public int effectiveWeight() {
        return weight;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    @Override
    public String toString() {
        return key;
    }
}
