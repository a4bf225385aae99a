package dev.balancer.strategy;

/**
 * What a strategy may read of the client's request, the same whether it arrived through the servlet (the WAR) or
 * Jetty's core handler (the runnable jar). Values are as the client sent them: the path still percent-encoded.
 */
public interface ClientRequest {
    String method();

    /** The request path, without the query, as the client sent it. */
    String path();

    /** The query string, without the {@code ?}; null when there is none. */
    String query();

    /** The first value of the header, or null. */
    String header(String name);

    /** The value of the first cookie with this name, or null. */
    String cookie(String name);

    /** The protocol and version, as in a request line: {@code HTTP/1.1}. For logs; strategies rarely need it. */
    default String protocol() {
        return "HTTP/1.1";
    }

    /** The address of the peer that connected to us (not X-Forwarded-For). */
    String remoteAddress();

    /**
     * The client's address: the peer's, or the first X-Forwarded-For entry when that header is trusted (a proxy in
     * front of Balancer sets it). Hashing on {@code client-ip} and the access log both name the client by it.
     */
    default String clientIp(boolean trustForwardedFor) {
        if (trustForwardedFor) {
            String forwarded = header("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                int comma = forwarded.indexOf(',');
                return (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
            }
        }
        return remoteAddress();
    }
}
