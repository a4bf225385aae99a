package dev.balancer.containers;

/** balancer.war in standalone Jetty 12 (jetty-home, ee10 deployer), from Maven Central. */
class JettyIT extends ContainerContract {
    @Override
    ServletContainer newContainer() {
        return new JettyContainer(Wars.required("jetty-home.version"));
    }
}
