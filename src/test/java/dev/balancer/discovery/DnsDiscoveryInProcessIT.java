package dev.balancer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBalancer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS discovery inside the servlet, where the pool can be looked at. This class runs in a JVM of its own (see the
 * failsafe execution "dns-in-process" in pom.xml) whose resolver reads a hosts file under target/, with the JVM DNS
 * cache off from the start, as a servlet container should be configured.
 */
class DnsDiscoveryInProcessIT {
    private static final String HOSTS_FILE = "jdk.net.hosts.file";

    private Pods pods;
    private TestBalancer balancer;

    @BeforeEach
    void pods() throws Exception {
        String hosts = System.getProperty(HOSTS_FILE);
        // Only a -Dit.test=... naming this class brings it into the default JVM; `mvn verify` always runs it.
        assumeTrue(hosts != null, "runs in the failsafe execution dns-in-process, whose JVM reads a hosts file");
        pods = new Pods(Path.of(hosts));
    }

    @AfterEach
    void stop() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        if (pods != null) {
            pods.close();
        }
    }

    private BackendPool balancer(String... keyValues) throws Exception {
        Map<String, String> params = new HashMap<>(Map.of("discovery", "dns", "discoveryHost", Pods.SERVICE,
                "discoveryPort", String.valueOf(pods.port()), "discoveryInterval", "100ms"));
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        balancer = new TestBalancer(FrontEnd.SERVLET, params);
        return balancer.pool();
    }

    private Optional<Backend> member(BackendPool pool, int pod) {
        return pool.snapshot().members().stream().filter(b -> b.url().getHost().equals("127.0.0." + pod)).findFirst();
    }

    private String get(String path) {
        var response = Http.get(balancer.url() + path);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().split(" ")[0];
    }

    @Test
    void survivorsKeepTheirStateWhilePodsComeAndGo() throws Exception {
        pods.start(2);
        pods.start(3);
        pods.start(4);
        pods.publish(2, 3);
        BackendPool pool = balancer();
        Backend drained = member(pool, 3).orElseThrow();
        assertThat(pool.transition(drained, BackendStatus.DRAINING, "drained by operator")).isTrue();
        for (int i = 0; i < 6; i++) {
            assertThat(get("/a")).isEqualTo("pod-2");
        }

        pods.publish(4, 3, 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> member(pool, 4).isPresent());
        assertThat(member(pool, 3)).containsSame(drained);
        assertThat(pool.snapshot().state(drained).status()).isEqualTo(BackendStatus.DRAINING);
        assertThat(pool.snapshot().state(drained).reason()).isEqualTo("drained by operator");

        pods.publish(3, 4);
        await().atMost(Duration.ofSeconds(5)).until(() -> member(pool, 2).isEmpty());
        assertThat(member(pool, 3)).containsSame(drained);
        assertThat(pool.snapshot().state(drained).status()).isEqualTo(BackendStatus.DRAINING);
        for (int i = 0; i < 6; i++) {
            assertThat(get("/b")).isEqualTo("pod-4");
        }
        // Ordered by address, not by the DNS answer: every replica builds the same pool.
        assertThat(pool.snapshot().members()).extracting(b -> b.url().getHost()).containsExactly("127.0.0.3", "127.0.0.4");
    }

    @Test
    void configuredBackendsServeUntilTheNameFirstResolves() throws Exception {
        pods.start(2);
        pods.start(3);
        pods.publish(); // not resolvable yet: no pod is ready
        BackendPool pool = balancer("backends", Pods.url(2, pods.port()));
        assertThat(get("/seed")).isEqualTo("pod-2");

        pods.publish(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> member(pool, 2).isEmpty() && member(pool, 3).isPresent());
        assertThat(get("/resolved")).isEqualTo("pod-3");
    }

    @Test
    void withoutAnyAddressTheBalancerStartsAndAnswers503UntilPodsAppear() throws Exception {
        pods.start(2);
        pods.publish();
        BackendPool pool = balancer();
        assertThat(pool.snapshot().members()).isEmpty();
        var response = Http.get(balancer.url() + "/early");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("no healthy backend");

        pods.publish(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> member(pool, 2).isPresent());
        assertThat(get("/later")).isEqualTo("pod-2");
    }
}
