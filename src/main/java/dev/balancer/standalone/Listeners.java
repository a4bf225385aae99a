package dev.balancer.standalone;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The jar's connectors. Whatever the client speaks (HTTP/1.1, h2 or h2c), requests reach the proxy handler as Jetty
 * core requests and go to backends over the backend client's own HTTP/1.1 connections: the client's protocol version
 * never leaks to a backend.
 */
final class Listeners {
    private Listeners() {}

    /** HTTP/1.1; with {@code h2c}, also HTTP/2 with prior knowledge (Jetty recognises the preface) and by Upgrade. */
    static ServerConnector clear(Server server, HttpConfiguration http, boolean h2c) {
        HttpConnectionFactory http1 = http1(http);
        return h2c ? new ServerConnector(server, http1, new HTTP2CServerConnectionFactory(http))
                : new ServerConnector(server, http1);
    }

    /** TLS, then h2 or HTTP/1.1 as ALPN agrees (HTTP/1.1 for clients that do not negotiate). */
    static ServerConnector tls(Server server, HttpConfiguration http, SslContextFactory.Server factory, int httpsPort) {
        HttpConfiguration https = new HttpConfiguration(http);
        https.setSecureScheme("https");
        https.setSecurePort(httpsPort);
        https.addCustomizer(new SecureRequestCustomizer());
        HttpConnectionFactory http1 = http1(https);
        // ALPN names are compared as given, and HTTP/1.1's is lower case ("http/1.1", RFC 7301); the factory's
        // protocol name ("HTTP/1.1") made every client that offered only http/1.1 fail its handshake.
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol(http1.getProtocol());
        ConnectionFactory[] factories = {new SslConnectionFactory(factory, alpn.getProtocol()), alpn,
                new HTTP2ServerConnectionFactory(https), http1};
        return new ServerConnector(server, factories);
    }

    static void bind(ServerConnector connector, String host, int port, long idleTimeoutMillis) {
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeoutMillis);
        connector.getServer().addConnector(connector);
    }

    private static HttpConnectionFactory http1(HttpConfiguration http) {
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        http1.setInputBufferSize(StandaloneServer.INPUT_BUFFER);
        return http1;
    }
}
