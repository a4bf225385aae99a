package dev.balancer.testing;

/** The two front ends every proxy behaviour is tested through (see {@link ThroughBothFrontEnds}). */
public enum FrontEnd {
    /** The WAR's: {@code BalancingProxyServlet} in a real Jetty servlet context. */
    SERVLET,
    /** The runnable jar's: {@code BalancingProxyHandler}, Jetty's core proxy, in the jar's own server. */
    HANDLER
}
