package dev.balancer.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The servers one test started, stopped after it in reverse order: {@code @RegisterExtension final Servers servers =
 * new Servers(frontEnd);} then {@code servers.backends(3)}, {@code servers.balancer("backends", url, ...)}.
 */
public final class Servers implements AfterEachCallback {
    private final List<AutoCloseable> started = new ArrayList<>();
    private final FrontEnd frontEnd;

    /** For tests that start backends only, or balancers of their own. */
    public Servers() {
        this(null);
    }

    /** @param frontEnd what {@link #balancer} runs */
    public Servers(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
    }

    public <T extends AutoCloseable> T keep(T server) {
        started.add(server);
        return server;
    }

    public TestBackend backend(String name) throws Exception {
        return keep(new TestBackend(name));
    }

    /** Backends named b0, b1, ... */
    public List<TestBackend> backends(int count) throws Exception {
        List<TestBackend> backends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            backends.add(backend("b" + i));
        }
        return backends;
    }

    public TestBalancer balancer(Map<String, String> initParams) throws Exception {
        if (frontEnd == null) {
            throw new IllegalStateException("new Servers(frontEnd) starts balancers; this one was made without a front end");
        }
        return keep(new TestBalancer(frontEnd, initParams));
    }

    /** A balancer over these backends, with init-params given as key, value, key, value... */
    public TestBalancer balancer(List<TestBackend> backends, String... keyValues) throws Exception {
        return balancer(urls(backends), keyValues);
    }

    /** A balancer with this {@code backends} value and init-params given as key, value, key, value... */
    public TestBalancer balancer(String backends, String... keyValues) throws Exception {
        Map<String, String> params = new HashMap<>();
        params.put("backends", backends);
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return balancer(params);
    }

    /** The value of {@code backends} for these. */
    public static String urls(List<TestBackend> backends) {
        return String.join(",", backends.stream().map(TestBackend::url).toList());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        started.clear();
        if (first != null) {
            throw first;
        }
    }
}
