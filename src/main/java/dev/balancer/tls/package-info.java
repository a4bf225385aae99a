/**
 * TLS material from the configured files: PEM certificate chains and private keys read with the JDK alone, key and
 * trust stores checked the way a handshake needs them, and the client-side TLS settings for {@code https://}
 * backends. Used by the core (backend TLS, both front ends) and by the runnable jar's HTTPS listener.
 *
 * <p>A part like the others: depends on {@code config} and Jetty's utilities, never on the core or a front end.
 */
package dev.balancer.tls;
