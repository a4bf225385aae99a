package dev.balancer.containers;

/** balancer.war in Tomcat 11 (Servlet 6.1), from Maven Central, with the HTTPS connector of examples/tomcat. */
class Tomcat11IT extends ContainerContract {
    @Override
    ServletContainer newContainer() {
        return new TomcatContainer(Wars.required("tomcat11.version"), true);
    }
}
