package dev.balancer.containers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jetty from the jetty-home tar.gz of Maven Central, run from a copy of examples/jetty-base (ee10-deploy and http,
 * hot deployment every second), as {@code java -jar $JETTY_HOME/start.jar} on a free loopback port.
 */
final class JettyContainer extends ServletContainer {
    private final String version;

    JettyContainer(String version) {
        super(buildDirectory("containers.dir").resolve("jetty-home-" + version),
                buildDirectory("containers.runs").resolve("jetty-" + version));
        this.version = version;
        Wars.copyTree(Path.of("examples/jetty-base"), base);
        // The root application of the example is configured by webapps/ROOT.xml; it is deployed on demand.
        Wars.deleteIfExists(rootDescriptor());
        // Jetty extracts WARs into $JETTY_BASE/work when it exists, instead of the shared /tmp.
        Wars.writeString(base.resolve("work/.keep"), "");
    }

    @Override
    String name() {
        return "Jetty " + version;
    }

    @Override
    Path deploymentDirectory() {
        return base.resolve("webapps");
    }

    @Override
    Path rootDescriptor() {
        return base.resolve("webapps/ROOT.xml");
    }

    @Override
    void deployRootFromExample(Path balancerWar, String backends) {
        String example = Wars.readString(Path.of("examples/jetty-base/webapps/ROOT.xml"));
        Wars.copyAtomically(balancerWar, base.resolve("balancer/balancer.war"), base.resolve("staging"));
        Wars.writeString(rootDescriptor(), Wars.replaceSample(example, ExampleValues.BACKENDS, backends));
    }

    @Override
    List<String> command(Map<String, String> systemProperties) {
        List<String> command = new ArrayList<>(List.of(ContainerProcess.java().toString()));
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.base=" + base,
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        return command;
    }

    @Override
    Map<String, String> environment(Map<String, String> systemProperties) {
        return Map.of();
    }

    @Override
    String startedMarker() {
        return ":oejs.Server:main: Started oejs.Server@";
    }

    /** Jetty standalone logs to its console; java.util.logging's default handler writes there too. */
    @Override
    String log() {
        return console();
    }

    @Override
    boolean reportsFailedDeployment(String application) {
        return log().lines().anyMatch(line -> line.contains("Failed startup of context") && line.contains(",/" + application + ","));
    }

    /** Jetty has no detector for what an application leaves behind; the thread check in the tests covers it. */
    @Override
    List<String> leakWarnings() {
        return List.of();
    }
}
