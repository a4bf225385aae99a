package dev.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.backend.BackendPool;
import dev.balancer.config.AdminSettings;
import dev.balancer.config.BackendSpec;
import dev.balancer.strategy.Strategy;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The backends API from a client that is not on loopback (which a test over real sockets on one machine cannot be):
 * refused without the token, whatever the method, and the pool is untouched; allowed with it.
 */
class RemoteBackendChangesTest {
    private static final String TOKEN = "t0ken";
    private final BackendPool pool = new BackendPool("remote", Strategy.roundRobin(),
            List.of(BackendSpec.of(URI.create("http://127.0.0.1:8080"))), 0, Clock.systemUTC());

    private Admin admin(String token) {
        return new Admin(new AdminSettings(true, "/_balancer", token, false, AdminSettings.AccessLogFormat.DEFAULT), false,
                "round-robin", pool, () -> false, false, Duration.ofSeconds(1));
    }

    @Test
    void withoutATokenANonLoopbackClientChangesNothing() throws Exception {
        Admin admin = admin(null);
        assertThat(call(admin, "POST", "/_balancer/backends", "{\"url\":\"http://10.0.0.2:8080\"}", null)).isEqualTo(403);
        assertThat(call(admin, "PATCH", "/_balancer/backends/127.0.0.1:8080", "{\"weight\":5}", null)).isEqualTo(403);
        assertThat(call(admin, "DELETE", "/_balancer/backends/127.0.0.1:8080", "", null)).isEqualTo(403);
        assertThat(pool.snapshot().members()).singleElement().satisfies(b -> assertThat(b.weight()).isEqualTo(1));
        assertThat(pool.snapshot().available()).hasSize(1);
    }

    @Test
    void withATokenOnlyItsHolderChangesThePool() throws Exception {
        Admin admin = admin(TOKEN);
        assertThat(call(admin, "POST", "/_balancer/backends", "{\"url\":\"http://10.0.0.2:8080\"}", null)).isEqualTo(401);
        assertThat(call(admin, "PATCH", "/_balancer/backends/127.0.0.1:8080", "{\"weight\":5}", "Bearer nope")).isEqualTo(401);
        assertThat(pool.snapshot().members()).hasSize(1);
        assertThat(call(admin, "POST", "/_balancer/backends", "{\"url\":\"http://10.0.0.2:8080\"}", "Bearer " + TOKEN)).isEqualTo(201);
        assertThat(call(admin, "PATCH", "/_balancer/backends/127.0.0.1:8080", "{\"weight\":5}", "Bearer " + TOKEN)).isEqualTo(200);
        assertThat(pool.snapshot().members()).extracting(b -> b.weight()).containsExactly(5, 1);
    }

    /** One admin request from 10.0.0.99; returns the status answered. */
    private static int call(Admin admin, String method, String path, String body, String authorization) throws Exception {
        Map<String, String> headers = authorization == null ? Map.of() : Map.of("authorization", authorization);
        ByteArrayInputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(RemoteBackendChangesTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getPathInfo", "getRequestURI" -> path;
                    case "getServletPath" -> "";
                    case "getRemoteAddr" -> "10.0.0.99";
                    case "getContentType" -> "application/json";
                    case "getHeader" -> headers.get(((String) args[0]).toLowerCase(java.util.Locale.ROOT));
                    case "getInputStream" -> new ServletInputStream() {
                        @Override public int read() { return in.read(); }
                        @Override public boolean isFinished() { return in.available() == 0; }
                        @Override public boolean isReady() { return true; }
                        @Override public void setReadListener(ReadListener listener) {}
                    };
                    default -> null;
                });
        int[] status = {0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(RemoteBackendChangesTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                    if (m.getName().equals("setStatus")) {
                        status[0] = (Integer) args[0];
                    }
                    return m.getName().equals("getOutputStream") ? new ServletOutputStream() {
                        @Override public void write(int b) { out.write(b); }
                        @Override public boolean isReady() { return true; }
                        @Override public void setWriteListener(WriteListener listener) {}
                    } : null;
                });
        assertThat(admin.handle(request, response)).isTrue();
        return status[0];
    }
}
