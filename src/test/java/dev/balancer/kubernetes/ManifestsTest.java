package dev.balancer.kubernetes;

import static dev.balancer.kubernetes.Manifests.asList;
import static dev.balancer.kubernetes.Manifests.asMap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigKey;
import dev.balancer.config.ConfigSources;
import dev.balancer.config.DiscoverySettings;
import dev.balancer.kubernetes.Manifests.Resource;
import dev.balancer.testing.Dockerfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/kubernetes fits together: with itself, with Balancer's configuration keys and admin API, and with the image. */
class ManifestsTest {
    /**
     * The admin API's endpoints below adminPath (DESIGN.md: page, status, metrics, health). Readiness must use health,
     * which answers every client; the others answer only loopback unless adminToken is set.
     */
    private static final Set<String> ADMIN_ENDPOINTS = Set.of("/", "/status", "/metrics", "/health");
    /** How long cluster DNS (CoreDNS) lets a Service record be cached. */
    private static final Duration CLUSTER_DNS_TTL = Duration.ofSeconds(5);

    private static Manifests manifests;
    private static Resource balancer;
    private static Map<String, Object> balancerContainer;
    private static BalancerConfig config;

    @BeforeAll
    static void load(@TempDir Path volumes) throws Exception {
        manifests = Manifests.load();
        balancer = manifests.get("Deployment", "balancer");
        balancerContainer = containers(balancer).get(0);
        config = BalancerConfig.from(new ConfigSources().addEnvironment(mounted(environment(balancerContainer), volumes)));
    }

    /**
     * The environment as the jar sees it in the pod: a value naming a file under a volume mount names a file of that
     * volume, which exists there (startup checks that configured files exist). Here each mount is a directory under
     * {@code volumes} with empty files of the names the environment asks for.
     */
    private static Map<String, String> mounted(Map<String, String> environment, Path volumes) throws Exception {
        Map<String, String> resolved = new HashMap<>(environment);
        for (Map<String, Object> mount : asList(balancerContainer.get("volumeMounts"))) {
            String mountPath = mount.get("mountPath") + "/";
            for (Map.Entry<String, String> variable : environment.entrySet()) {
                if (variable.getValue().startsWith(mountPath)) {
                    Path file = volumes.resolve((String) mount.get("name")).resolve(variable.getValue().substring(mountPath.length()));
                    Files.createDirectories(file.getParent());
                    Files.write(file, new byte[0]);
                    resolved.put(variable.getKey(), file.toString());
                }
            }
        }
        return resolved;
    }

    private static List<Map<String, Object>> containers(Resource deployment) {
        return asList(deployment.at("spec", "template", "spec", "containers"));
    }

    private static Map<String, Object> podLabels(Resource deployment) {
        return deployment.map("spec", "template", "metadata", "labels");
    }

    /** What a container sees as environment: its ConfigMaps (envFrom) and its own env entries. */
    private static Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> environment = new HashMap<>();
        for (Map<String, Object> source : asList(container.get("envFrom"))) {
            String configMap = (String) Manifests.at(source, "configMapRef", "name");
            manifests.get("ConfigMap", configMap).map("data").forEach((k, v) -> environment.put(k, String.valueOf(v)));
        }
        for (Map<String, Object> variable : asList(container.get("env"))) {
            if (variable.get("value") != null) {
                environment.put((String) variable.get("name"), String.valueOf(variable.get("value")));
            }
        }
        return environment;
    }

    private static Resource deploymentSelectedBy(Resource service) {
        Map<String, Object> selector = service.map("spec", "selector");
        List<Resource> selected = manifests.ofKind("Deployment").stream()
                .filter(d -> podLabels(d).entrySet().containsAll(selector.entrySet())).toList();
        assertThat(selected).as("Deployments whose pods Service " + service.name() + " selects").hasSize(1);
        return selected.get(0);
    }

    private static boolean portMatches(Object targetPort, Map<String, Object> containerPort) {
        return targetPort.equals(containerPort.get("containerPort")) || targetPort.equals(containerPort.get("name"));
    }

    private static int containerPortOf(Resource deployment, Object port) {
        return containers(deployment).stream().flatMap(c -> asList(c.get("ports")).stream())
                .filter(p -> portMatches(port, p)).map(p -> (Integer) p.get("containerPort")).findFirst()
                .orElseThrow(() -> new AssertionError("no container port " + port + " in " + deployment.name()));
    }

    @Test
    void theClassicSetupMyAppBehindBalancerReplicasBehindALoadBalancerOnPort80() {
        Resource myApp = manifests.get("Deployment", "my-app");
        assertThat(myApp.at("spec", "replicas")).isEqualTo(3);
        assertThat(podLabels(myApp)).containsEntry("app", "my-app");
        assertThat(manifests.get("Service", "my-app").at("spec", "clusterIP")).as("headless").isEqualTo("None");

        assertThat(balancer.at("spec", "replicas")).isEqualTo(2);
        Resource service = manifests.get("Service", "balancer");
        assertThat(service.at("spec", "type")).isEqualTo("LoadBalancer");
        assertThat(asList(service.at("spec", "ports"))).hasSize(2)
                .anySatisfy(port -> assertThat(port).containsEntry("port", 80).containsEntry("targetPort", 8080))
                .anySatisfy(port -> assertThat(port).containsEntry("port", 443).containsEntry("targetPort", 8443));
        assertThat(deploymentSelectedBy(service)).isEqualTo(balancer);
    }

    @Test
    void everyServiceSelectsOneDeploymentsPodsAndTargetsAContainerPortOfThem() {
        assertThat(manifests.ofKind("Service")).hasSize(2);
        for (Resource service : manifests.ofKind("Service")) {
            Resource deployment = deploymentSelectedBy(service);
            for (Map<String, Object> port : asList(service.at("spec", "ports"))) {
                Object target = port.getOrDefault("targetPort", port.get("port"));
                containerPortOf(deployment, target);
            }
        }
        for (Resource deployment : manifests.ofKind("Deployment")) {
            assertThat(podLabels(deployment)).as(deployment.name() + " selector matches its pod labels")
                    .containsAllEntriesOf(deployment.map("spec", "selector", "matchLabels"));
        }
    }

    @Test
    void everyEnvironmentVariableIsAValidConfigurationKeyWithAValidValue() {
        Set<String> known = Arrays.stream(ConfigKey.values()).map(ConfigKey::envName).collect(Collectors.toSet());
        assertThat(environment(balancerContainer).keySet()).isNotEmpty().allSatisfy(name -> assertThat(known).contains(name));
        // Parsing them the way the jar does succeeded in load(); these are the values that matter here.
        assertThat(config.discovery().mode()).isEqualTo(DiscoverySettings.Mode.DNS);
        assertThat(config.server().port()).isEqualTo(containerPortOf(balancer, "http"));
    }

    /**
     * HTTPS from a kubernetes.io/tls Secret (what cert-manager keeps renewed): tlsCert and tlsKey name its tls.crt and
     * tls.key inside a read-only mount of the whole Secret, since the kubelet never updates a subPath mount and a
     * renewal would not reach the pod; the Service exposes httpsPort.
     */
    @Test
    void httpsServesTheMountedTlsSecretAndTheServiceExposesIt() {
        Map<String, String> environment = environment(balancerContainer);
        Map<String, Object> mount = mountOf(environment.get(ConfigKey.TLS_CERT.envName()));
        assertThat(mountOf(environment.get(ConfigKey.TLS_KEY.envName()))).isEqualTo(mount);
        assertThat(environment.get(ConfigKey.TLS_CERT.envName())).isEqualTo(mount.get("mountPath") + "/tls.crt");
        assertThat(environment.get(ConfigKey.TLS_KEY.envName())).isEqualTo(mount.get("mountPath") + "/tls.key");
        assertThat(mount).containsEntry("readOnly", true).doesNotContainKey("subPath");

        String secretName = (String) asList(balancer.at("spec", "template", "spec", "volumes")).stream()
                .filter(volume -> volume.get("name").equals(mount.get("name"))).findFirst()
                .map(volume -> Manifests.at(volume, "secret", "secretName")).orElseThrow();
        // The Secret cert-manager writes: the Certificate of tls.yaml names it.
        assertThat(manifests.get("Certificate", secretName).at("spec", "secretName")).isEqualTo(secretName);

        assertThat(config.tls().enabled()).isTrue();
        assertThat(config.tls().httpsPort()).isEqualTo(containerPortOf(balancer, "https"));
        Resource service = manifests.get("Service", "balancer");
        assertThat(asList(service.at("spec", "ports"))).anySatisfy(port ->
                assertThat(containerPortOf(balancer, port.get("targetPort"))).isEqualTo(config.tls().httpsPort()));
        // Readiness stays on the clear port, whose health endpoint answers even with redirectToHttps.
        assertThat(Manifests.at(balancerContainer, "readinessProbe", "httpGet", "scheme")).isIn(null, "HTTP");
    }

    /**
     * The files are checked for a renewal often enough that it reaches new connections soon after the kubelet
     * rewrote the Secret (within about a minute), and not so often that the check is all the pod does: on, and
     * between 5 s and 5 min.
     */
    @Test
    void theCertificateIsReloadedAtASaneInterval() {
        Duration interval = config.tls().reloadInterval();
        assertThat(interval).isBetween(Duration.ofSeconds(5), Duration.ofMinutes(5));
    }

    /** The volume mount of the pod's balancer container that holds this file. */
    private static Map<String, Object> mountOf(String file) {
        assertThat(file).as("a file path").isNotNull();
        return asList(balancerContainer.get("volumeMounts")).stream()
                .filter(mount -> file.startsWith(mount.get("mountPath") + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(file + " is on no volume mounted into the balancer container"));
    }

    @Test
    void dnsDiscoveryNamesTheHeadlessServiceAndThePodsPort() {
        Resource headless = manifests.get("Service", config.discovery().host().split("\\.")[0]);
        assertThat(headless.at("spec", "clusterIP")).isEqualTo("None");
        // A headless Service has no port mapping: DNS gives pod addresses, so discoveryPort is the pods' own port.
        Resource pods = deploymentSelectedBy(headless);
        Object target = asList(headless.at("spec", "ports")).get(0).get("targetPort");
        assertThat(config.discovery().port()).isEqualTo(containerPortOf(pods, target));
    }

    @Test
    void probesUseTheAdminApiAndNoticeShutdownBeforeTheListenerCloses() {
        Map<String, Object> readiness = asMap(balancerContainer.get("readinessProbe"));
        assertThat(Manifests.at(readiness, "httpGet", "path")).isEqualTo(config.admin().path() + "/health");
        assertThat(balancerContainer.get("livenessProbe")).isNotNull();
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            Object path = Manifests.at(balancerContainer, probe, "httpGet", "path");
            if (path != null) {
                assertThat((String) path).startsWith(config.admin().path());
                assertThat(ADMIN_ENDPOINTS).contains(((String) path).substring(config.admin().path().length()));
            }
            Object port = Manifests.at(balancerContainer, probe, "httpGet", "port");
            Object tcpPort = Manifests.at(balancerContainer, probe, "tcpSocket", "port");
            for (Object p : new Object[] {port, tcpPort}) {
                if (p != null) {
                    assertThat(containerPortOf(balancer, p)).isEqualTo(config.server().port());
                }
            }
        }
        // Readiness must see the 503 well within the shutdown delay, while traffic is still served.
        int period = (Integer) readiness.getOrDefault("periodSeconds", 10);
        int failures = (Integer) readiness.getOrDefault("failureThreshold", 3);
        assertThat(Duration.ofSeconds((long) period * failures)).isLessThan(config.server().shutdownDelay());
    }

    @Test
    void gracePeriodsCoverTheShutdownDelays() {
        long balancerGrace = ((Integer) balancer.at("spec", "template", "spec", "terminationGracePeriodSeconds"));
        Duration balancerNeeds = config.server().shutdownDelay().plus(config.server().shutdownTimeout()).plus(preStopSleep(balancerContainer));
        assertThat(Duration.ofSeconds(balancerGrace)).isGreaterThan(balancerNeeds);

        // A leaving pod must keep serving until every balancer noticed it left DNS.
        Resource myApp = manifests.get("Deployment", "my-app");
        Duration podServesOn = preStopSleep(containers(myApp).get(0));
        assertThat(podServesOn).isGreaterThanOrEqualTo(config.discovery().interval().plus(CLUSTER_DNS_TTL));
        long podGrace = ((Integer) myApp.at("spec", "template", "spec", "terminationGracePeriodSeconds"));
        assertThat(Duration.ofSeconds(podGrace)).isGreaterThan(podServesOn);
    }

    private static Duration preStopSleep(Map<String, Object> container) {
        Object seconds = Manifests.at(container, "lifecycle", "preStop", "sleep", "seconds");
        return seconds == null ? Duration.ZERO : Duration.ofSeconds((Integer) seconds);
    }

    /**
     * Kubernetes gives every pod {@code NAME_PORT=tcp://ip:port} and friends for each Service in its namespace, so
     * a Service named "balancer" injects BALANCER_PORT, which Balancer would read as its port key.
     */
    @Test
    void noServiceLinkVariableShadowsAConfigurationKey() {
        Set<String> keys = Arrays.stream(ConfigKey.values()).map(ConfigKey::envName).collect(Collectors.toSet());
        for (Resource deployment : manifests.ofKind("Deployment")) {
            boolean runsBalancer = containers(deployment).stream()
                    .anyMatch(c -> environment(c).keySet().stream().anyMatch(keys::contains));
            if (!runsBalancer || Boolean.FALSE.equals(deployment.at("spec", "template", "spec", "enableServiceLinks"))) {
                continue;
            }
            for (Resource service : manifests.ofKind("Service")) {
                String prefix = service.name().toUpperCase(Locale.ROOT).replace('-', '_');
                for (String linked : List.of(prefix + "_PORT", prefix + "_SERVICE_HOST", prefix + "_SERVICE_PORT")) {
                    assertThat(keys).as(deployment.name() + " gets " + linked + " from Service " + service.name()
                            + "; set enableServiceLinks: false").doesNotContain(linked);
                }
            }
        }
    }

    @Test
    void everyContainerHasResourceRequestsAndLimits() {
        for (Resource deployment : manifests.ofKind("Deployment")) {
            for (Map<String, Object> container : containers(deployment)) {
                assertThat(asMap(Manifests.at(container, "resources", "requests"))).as(deployment.name())
                        .containsKeys("cpu", "memory");
                assertThat(asMap(Manifests.at(container, "resources", "limits"))).as(deployment.name()).containsKey("memory");
            }
        }
    }

    @Test
    void theBalancerPodRunsTheImageOfTheDockerfileAsItsUser() throws Exception {
        Dockerfile dockerfile = Dockerfile.read();
        assertThat((String) balancerContainer.get("image")).startsWith("balancer:");
        assertThat(dockerfile.last("EXPOSE")).isEqualTo(String.valueOf(containerPortOf(balancer, "http")));
        String uid = dockerfile.last("USER").split(":")[0];
        assertThat(balancer.at("spec", "template", "spec", "securityContext", "runAsUser")).isEqualTo(Integer.parseInt(uid));
    }
}
