package dev.balancer.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** What `mvn package` produced: the WAR bundles exactly what a container lacks, the jar runs on its own. */
class PackagingIT {
    private static final Path WAR = Path.of("target/balancer.war");
    private static final Path JAR = Path.of("target/balancer.jar");
    /**
     * Jars the WAR may carry: the proxy, the client it needs (with HTTP/2 and ALPN for backendProtocol), SLF4J with the JUL binding, and the Prometheus client's
     * registry and text writer (not its OpenTelemetry tracer bridges). Nothing else.
     */
    private static final Pattern ALLOWED_WAR_LIB = Pattern.compile("WEB-INF/lib/(jetty-ee10-proxy|jetty-client|jetty-http|jetty-io"
            + "|jetty-util|jetty-alpn-client|jetty-alpn-java-client|jetty-http2-(client|client-transport|common|hpack)|jetty-compression-common|jetty-compression-gzip|slf4j-api|slf4j-jdk14"
            + "|prometheus-metrics-(core|model|config|exposition-textformats|tracer-initializer|tracer-common))-[0-9][^/]*\\.jar");

    private static List<String> entries(Path archive) throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            return Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void warBundlesTheProxyAndClientButNoServletApiOrJettyServer() throws IOException {
        List<String> libs = entries(WAR).stream().filter(e -> e.startsWith("WEB-INF/lib/") && e.endsWith(".jar")).toList();
        assertThat(libs).allSatisfy(lib -> assertThat(lib).matches(ALLOWED_WAR_LIB));
        assertThat(libs).anyMatch(l -> l.contains("jetty-ee10-proxy")).anyMatch(l -> l.contains("jetty-client"))
                .anyMatch(l -> l.contains("slf4j-jdk14"));
        assertThat(libs).anyMatch(l -> l.contains("prometheus-metrics-core"))
                .anyMatch(l -> l.contains("prometheus-metrics-exposition-textformats"));
        assertThat(entries(WAR)).contains("WEB-INF/web.xml", "WEB-INF/classes/dev/balancer/servlet/BalancingProxyServlet.class",
                        "WEB-INF/classes/dev/balancer/admin/index.html", "WEB-INF/classes/dev/balancer/admin/page.js",
                        "WEB-INF/classes/dev/balancer/admin/page.css")
                .noneMatch(e -> e.startsWith("WEB-INF/classes/dev/balancer/standalone/"))
                .noneMatch(e -> e.startsWith("WEB-INF/classes/dev/balancer/handler/"));
    }

    @Test
    void runnableJarHasTheServerAndMergedServiceFilesButNoJulBinding() throws IOException {
        List<String> entries = entries(JAR);
        assertThat(entries).contains("dev/balancer/standalone/Main.class", "org/eclipse/jetty/server/Server.class",
                "dev/balancer/admin/index.html", "io/prometheus/metrics/core/metrics/Counter.class",
                "jakarta/servlet/http/HttpServlet.class", "META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
        assertThat(entries).noneMatch(e -> e.startsWith("org/slf4j/jul/"));
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            String providers = new String(zip.getInputStream(zip.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider")).readAllBytes());
            assertThat(providers.trim()).isEqualTo("org.eclipse.jetty.logging.JettyLoggingServiceProvider");
            String manifest = new String(zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF")).readAllBytes());
            assertThat(manifest).contains("Main-Class: dev.balancer.standalone.Main");
        }
    }

    @Test
    void webXmlDocumentsEveryServletKeyCommentedOut() throws IOException {
        String webXml = Files.readString(Path.of("webapp/WEB-INF/web.xml"));
        for (ConfigKey key : ConfigKey.values()) {
            if (key == ConfigKey.PORT || key == ConfigKey.HOST) {
                continue;
            }
            assertThat(webXml).contains("<!-- " + key.key() + ": ")
                    .contains("<param-name>" + key.key() + "</param-name>");
        }
        // Commented out: the only live init-params are none, so system properties and environment apply.
        String live = webXml.replaceAll("(?s)<!--.*?-->", "");
        assertThat(live).doesNotContain("<init-param>").contains("<async-supported>true</async-supported>");
    }
}
