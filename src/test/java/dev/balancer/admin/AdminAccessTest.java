package dev.balancer.admin;

import static dev.balancer.admin.StatusEndpointTest.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.testing.AdminClient;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import dev.balancer.testing.ThroughBothFrontEnds;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who may use the admin endpoints: loopback without a token, bearer token holders with one. */
@ThroughBothFrontEnds
class AdminAccessTest {
    @RegisterExtension
    final Servers servers;
    private final FrontEnd frontEnd;

    AdminAccessTest(FrontEnd frontEnd) {
        this.frontEnd = frontEnd;
        this.servers = new Servers(frontEnd);
    }

    private static final String TOKEN = "s3cret-token_1";

    @Test
    void withoutATokenLoopbackClientsMayUseEverything() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url())));
        AdminClient admin = new AdminClient(balancer.url() + "/_balancer");
        assertThat(admin.get("/status").statusCode()).isEqualTo(200);
        assertThat(admin.get("/metrics").statusCode()).isEqualTo(200);
        assertThat(admin.get("/").statusCode()).isEqualTo(200);
        assertThat(admin.post("/backends/" + id(a) + "/drain").statusCode()).isEqualTo(200);
    }

    @Test
    void withATokenEveryGuardedEndpointNeedsIt() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url(), "adminToken", TOKEN)));
        String base = balancer.url() + "/_balancer";
        AdminClient anonymous = new AdminClient(base);
        AdminClient wrong = new AdminClient(base, TOKEN + "x");
        AdminClient prefix = new AdminClient(base, TOKEN.substring(0, 5));
        AdminClient holder = new AdminClient(base, TOKEN);

        for (String path : List.of("/status", "/metrics", "/nothing-here")) {
            HttpResponse<String> denied = anonymous.get(path);
            assertThat(denied.statusCode()).as(path).isEqualTo(401);
            assertThat(denied.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"balancer\"");
            assertThat(wrong.get(path).statusCode()).as(path).isEqualTo(401);
            assertThat(prefix.get(path).statusCode()).as(path).isEqualTo(401);
        }
        for (AdminClient refused : List.of(anonymous, wrong)) {
            assertThat(refused.post("/backends/" + id(a) + "/drain").statusCode()).isEqualTo(401);
        }
        assertThat(balancer.pool().snapshot().available()).hasSize(1);

        assertThat(holder.get("/status").statusCode()).isEqualTo(200);
        assertThat(holder.get("/metrics").statusCode()).isEqualTo(200);
        assertThat(holder.post("/backends/" + id(a) + "/drain").statusCode()).isEqualTo(200);
        assertThat(balancer.pool().snapshot().available()).isEmpty();
        assertThat(a.requests()).isZero();
    }

    @Test
    void healthAndThePageShellNeedNoToken() throws Exception {
        TestBackend a = servers.keep(new TestBackend("a"));
        TestBalancer balancer = servers.keep(new TestBalancer(frontEnd, Map.of("backends", a.url(), "adminToken", TOKEN)));
        AdminClient anonymous = new AdminClient(balancer.url() + "/_balancer");
        // A readiness probe comes from the node, not loopback; it learns only up or down.
        assertThat(anonymous.get("/health").statusCode()).isEqualTo(200);
        // The page holds no data: it asks for the token and sends it with each call.
        assertThat(anonymous.get("/").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/page.js").body()).contains("Authorization");
    }

    @Test
    void loopbackIsJudgedFromIpLiteralsOnly() {
        assertThat(AdminAccess.isLoopback("127.0.0.1")).isTrue();
        assertThat(AdminAccess.isLoopback("127.10.20.30")).isTrue();
        assertThat(AdminAccess.isLoopback("::1")).isTrue();
        assertThat(AdminAccess.isLoopback("[::1]")).isTrue();
        assertThat(AdminAccess.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(AdminAccess.isLoopback("10.0.0.1")).isFalse();
        assertThat(AdminAccess.isLoopback("192.168.1.20")).isFalse();
        assertThat(AdminAccess.isLoopback("fe80::1")).isFalse();
        assertThat(AdminAccess.isLoopback("::ffff:10.0.0.1")).isFalse();
        assertThat(AdminAccess.isLoopback("localhost")).isFalse(); // a name is never resolved
        assertThat(AdminAccess.isLoopback("")).isFalse();
        assertThat(AdminAccess.isLoopback(null)).isFalse();
    }
}
