package dev.balancer.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Tomcat from its Maven Central tar.gz, started with {@code catalina.sh run} like an operator would, with
 * CATALINA_HOME the untouched distribution and CATALINA_BASE a fresh directory. Its stock server.xml changes only
 * where a test must: a free loopback port, no shutdown port, and a 1 s background check so hot (un)deploys are quick;
 * optionally the HTTPS connector of examples/tomcat on a second loopback port.
 */
final class TomcatContainer extends ServletContainer {
    /** What Tomcat's WebappClassLoader says when an application left a thread, a ThreadLocal or a driver behind. */
    private static final Pattern LEAK_WARNING = Pattern.compile("memory leak|failed to stop|failed to remove|stopped already",
            Pattern.CASE_INSENSITIVE);
    private final String version;
    /** The example's HTTPS connector beside the HTTP one, or null for an HTTP-only Tomcat. */
    private final TomcatHttpsConnector https;

    TomcatContainer(String version) {
        this(version, false);
    }

    TomcatContainer(String version, boolean withHttps) {
        super(buildDirectory("containers.dir").resolve("apache-tomcat-" + version),
                buildDirectory("containers.runs").resolve("tomcat-" + version));
        this.version = version;
        this.https = withHttps ? new TomcatHttpsConnector() : null;
        for (String directory : List.of("logs", "temp", "work", "webapps", "conf/Catalina/localhost")) {
            createDirectories(base.resolve(directory));
        }
        Wars.copyTree(home.resolve("conf"), base.resolve("conf"));
    }

    @Override
    String name() {
        return "Tomcat " + version;
    }

    @Override
    Path deploymentDirectory() {
        return base.resolve("webapps");
    }

    @Override
    Path rootDescriptor() {
        return base.resolve("conf/Catalina/localhost/ROOT.xml");
    }

    @Override
    void deployRootFromExample(Path balancerWar, String backends) {
        String example = Wars.readString(Path.of("examples/tomcat/conf/Catalina/localhost/ROOT.xml"));
        // The example keeps the WAR in $CATALINA_BASE/balancer/, outside webapps/, so it is deployed only once.
        Wars.copyAtomically(balancerWar, base.resolve("balancer/balancer.war"), base.resolve("staging"));
        Wars.writeString(rootDescriptor(), Wars.replaceSample(example, ExampleValues.BACKENDS, backends));
    }

    @Override
    List<String> command(Map<String, String> systemProperties) {
        return List.of("bash", home.resolve("bin/catalina.sh").toString(), "run");
    }

    @Override
    Map<String, String> environment(Map<String, String> systemProperties) {
        String options = systemProperties.entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        return Map.of("CATALINA_HOME", home.toString(), "CATALINA_BASE", base.toString(),
                "JAVA_HOME", System.getProperty("java.home"), "CATALINA_OPTS", options);
    }

    @Override
    void configure() {
        Path serverXml = base.resolve("conf/server.xml");
        String xml = Wars.readString(serverXml);
        xml = Wars.replaceSample(xml, "<Server port=\"8005\"", "<Server port=\"-1\"");
        xml = Wars.replaceSample(xml, "<Connector port=\"8080\"", "<Connector port=\"" + port + "\" address=\"127.0.0.1\"");
        if (https != null) {
            xml = Wars.replaceSample(xml, "</Service>", https.install(base, httpsPort) + "\n  </Service>");
        }
        xml = Wars.replaceSample(xml, "<Engine name=\"Catalina\" defaultHost=\"localhost\"",
                "<Engine name=\"Catalina\" defaultHost=\"localhost\" backgroundProcessorDelay=\"1\"");
        Wars.writeString(serverXml, xml);
    }

    @Override
    boolean servesHttps() {
        return https != null;
    }

    @Override
    javax.net.ssl.SSLContext clientTls() {
        return https == null ? super.clientTls() : https.clientTls();
    }

    @Override
    String startedMarker() {
        return "Server startup in";
    }

    /** catalina.DATE.log: what JULI's file handler wrote, the log an operator reads. */
    @Override
    String log() {
        return logFiles("catalina.").stream().map(ContainerProcess::read).collect(Collectors.joining());
    }

    @Override
    boolean reportsFailedDeployment(String application) {
        return log().contains("Context [/" + application + "] startup failed due to previous errors");
    }

    @Override
    List<String> leakWarnings() {
        String everything = logFiles("").stream().map(ContainerProcess::read).collect(Collectors.joining("\n")) + console();
        // The console repeats what the log files hold: report each warning once.
        return everything.lines().filter(line -> LEAK_WARNING.matcher(line).find()).distinct().toList();
    }

    private List<Path> logFiles(String prefix) {
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
