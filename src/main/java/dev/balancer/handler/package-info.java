/**
 * The runnable jar's front end: {@link dev.balancer.handler.BalancingProxyHandler}, on Jetty's core
 * {@code ProxyHandler} (no servlet API in the request path), executing the core's decisions. After a backend's 101
 * to a WebSocket handshake, a {@code WebSocketTunnel} of two {@code TunnelEnd} connections copies bytes between the
 * client's and the backend's endpoints.
 *
 * <p>Depends on the core and its parts, Jetty's server, client and proxy; never on {@code servlet} or
 * {@code standalone}. Not in the WAR, where Jetty's server API is absent.
 *
 * <p>Threads: one pool and one buffer pool shared by the server and the backend client (see
 * {@code StandaloneServer}); handlers never block. {@code Trailers} carries response trailers (gRPC's
 * status) to HTTP/2 clients, which Jetty's ProxyHandler drops.
 */
package dev.balancer.handler;
