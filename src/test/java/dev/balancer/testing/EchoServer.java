package dev.balancer.testing;

import java.security.KeyStore;
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
 * A backend that answers what it was asked in text: the length of the body it received, the protocol version, the scheme it was reached by, and the
 * X-Forwarded-Proto and Host headers. Over HTTP, or over TLS with a given certificate, and then optionally requiring
 * a client certificate from a given CA.
 */
public final class EchoServer implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector;

    public static EchoServer http() throws Exception {
        return new EchoServer(null);
    }

    /** @param clientCa when not null, a client certificate issued by it is required (mutual TLS) */
    public static EchoServer https(TestCertificates.Issued certificate, TestCertificates.Issued clientCa) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", certificate.keys().getPrivate(), "pw".toCharArray(), certificate.chain());
        tls.setKeyStore(keys);
        tls.setKeyStorePassword("pw");
        if (clientCa != null) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", clientCa.certificate());
            tls.setTrustStore(trust);
            tls.setNeedClientAuth(true);
        }
        return new EchoServer(tls);
    }

    private EchoServer(SslContextFactory.Server tls) throws Exception {
        connector = tls == null ? new ServerConnector(server) : new ServerConnector(server, tls);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String received = Content.Source.asString(request);
                String body = "body=" + received.length() + "\n" + "protocol=" + request.getConnectionMetaData().getProtocol() + "\n"
                        + "x-forwarded-proto=" + request.getHeaders().get("X-Forwarded-Proto") + "\n"
                        + "host=" + request.getHeaders().get(HttpHeader.HOST) + "\n"
                        + "transfer-encoding=" + request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) + "\n";
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

