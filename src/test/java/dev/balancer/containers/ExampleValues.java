package dev.balancer.containers;

/** The sample values the examples ship with, which the container tests replace by their own backends. */
final class ExampleValues {
    /** The backends every example descriptor names: the demo backends of `java -jar balancer.jar --demo`. */
    static final String BACKENDS = "http://127.0.0.1:8081, http://127.0.0.1:8082, http://127.0.0.1:8083";
    /** The API and static pools of examples/two-pools/web.xml. */
    static final String API_BACKENDS = "http://127.0.0.1:8081, http://127.0.0.1:8082";
    static final String STATIC_BACKENDS = "http://127.0.0.1:8083";

    private ExampleValues() {}
}
