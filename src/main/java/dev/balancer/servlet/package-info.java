/**
 * The WAR's front end: {@link dev.balancer.servlet.BalancingProxyServlet}, a Jetty {@code AsyncProxyServlet} that
 * moves bytes between the servlet container's client connection and Jetty's HTTP client, configured from
 * init-params, context-params, system properties and the environment, and executing the core's decisions. Its
 * byte-moving mechanics (streaming bodies, flushing each chunk, blaming failures on the right side) are in the
 * abstract {@code StreamingProxyServlet} it extends. A WebSocket handshake is proxied by {@code WebSocketHandshake}
 * within {@code service}; after the backend's 101 the client's connection is upgraded through the servlet API and a
 * {@code ServletTunnel} copies bytes between it and the backend's endpoint ({@code BackendEnd}).
 *
 * <p>Depends on the core and its parts, the servlet API and Jetty's client and I/O (never Jetty's server); never on
 * {@code handler} or {@code standalone} (neither is in the WAR).
 *
 * <p>Threads: the container's request threads run {@code service}; the client's threads (the container's pool in
 * Jetty, an own pool in Tomcat) run the response side; a WebSocket handshake alone holds its request thread until
 * the backend answers. Per-request state lives in the {@code Exchange}, found through a request attribute.
 */
package dev.balancer.servlet;
