package dev.balancer.testing;

import java.security.KeyStore;
import java.util.function.Function;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A backend that answers what it was asked in text: the length of the body it received, the protocol version, and
 * the X-Forwarded-Proto, Host and Transfer-Encoding headers. Over HTTP (also h2c), or over TLS with a given
 * certificate, then optionally requiring a client certificate from a given CA, or speaking h2 only.
 */
public final class EchoServer implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector;

    public static EchoServer http() throws Exception {
        return new EchoServer(null);
    }

    /** HTTP/1.1 and HTTP/2 with prior knowledge (h2c) on one port. */
    public static EchoServer h2c() throws Exception {
        return new EchoServer(server -> {
            HttpConfiguration http = new HttpConfiguration();
            return new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        });
    }

    /** TLS with h2 only by ALPN: a client that cannot speak HTTP/2 fails the handshake. */
    public static EchoServer h2(TestCertificates.Issued certificate) throws Exception {
        SslContextFactory.Server tls = serverTls(certificate);
        return new EchoServer(server -> {
            HttpConfiguration https = new HttpConfiguration();
            https.addCustomizer(new SecureRequestCustomizer());
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2");
            alpn.setDefaultProtocol("h2");
            return new ServerConnector(server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn,
                    new HTTP2ServerConnectionFactory(https));
        });
    }

    /** @param clientCa when not null, a client certificate issued by it is required (mutual TLS) */
    public static EchoServer https(TestCertificates.Issued certificate, TestCertificates.Issued clientCa) throws Exception {
        SslContextFactory.Server tls = serverTls(certificate);
        if (clientCa != null) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", clientCa.certificate());
            tls.setTrustStore(trust);
            tls.setNeedClientAuth(true);
        }
        return new EchoServer(server -> new ServerConnector(server, tls));
    }

    private static SslContextFactory.Server serverTls(TestCertificates.Issued certificate) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", certificate.keys().getPrivate(), "pw".toCharArray(), certificate.chain());
        tls.setKeyStore(keys);
        tls.setKeyStorePassword("pw");
        return tls;
    }

    private EchoServer(Function<Server, ServerConnector> connectorFactory) throws Exception {
        connector = connectorFactory == null ? new ServerConnector(server) : connectorFactory.apply(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String received = Content.Source.asString(request);
                String body = "body=" + received.length() + "\n" + "protocol=" + request.getConnectionMetaData().getProtocol() + "\n"
                        + "x-forwarded-proto=" + request.getHeaders().get("X-Forwarded-Proto") + "\n"
                        + "host=" + request.getHeaders().get(HttpHeader.HOST) + "\n"
                        + "transfer-encoding=" + request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) + "\n"
                        + "te=" + request.getHeaders().get(HttpHeader.TE) + "\n";
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                Content.Sink.write(response, true, body, callback);
                return true;
            }
        });
        server.start();
    }

    public String url() {
        return (connector.getDefaultProtocol().startsWith("SSL") ? "https" : "http") + "://127.0.0.1:" + connector.getLocalPort();
    }

    /** The URL under a host name rather than the address (for certificates that name localhost only). */
    public String url(String host) {
        return url().replace("127.0.0.1", host);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}

