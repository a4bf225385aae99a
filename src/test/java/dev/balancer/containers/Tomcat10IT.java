package dev.balancer.containers;

/** balancer.war in Tomcat 10.1 (Servlet 6.0), from Maven Central, with the HTTPS connector of examples/tomcat. */
class Tomcat10IT extends ContainerContract {
    @Override
    ServletContainer newContainer() {
        return new TomcatContainer(Wars.required("tomcat10.version"), true);
    }
}
