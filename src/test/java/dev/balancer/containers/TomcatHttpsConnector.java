package dev.balancer.containers;

import dev.balancer.testing.TestCertificates;
import dev.balancer.testing.TestCertificates.Issued;
import java.nio.file.Path;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * The HTTPS connector of examples/tomcat/conf/https-connector.xml, made real for one Tomcat base: a PKCS12 keystore
 * for 127.0.0.1 issued by a CA of the test's own, at the path the example names, and the example's
 * {@code <Connector>} element with only the port, a loopback address and the password changed.
 */
final class TomcatHttpsConnector {
    static final Path EXAMPLE = Path.of("examples/tomcat/conf/https-connector.xml");
    /** Where the example keeps its keystore, relative to $CATALINA_BASE as Tomcat resolves it. */
    private static final String KEYSTORE = "conf/tls/balancer.p12";

    private final Issued ca;
    private final Issued server;

    TomcatHttpsConnector() {
        try {
            ca = TestCertificates.ca("Container test CA");
            server = TestCertificates.server(ca);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the connector's certificate", e);
        }
    }

    /** Writes the keystore into the base and returns the example's connector, ready for server.xml. */
    String install(Path base, int port) {
        // A password of the run's own: the test must not pass only because the sample one happens to match.
        String password = UUID.randomUUID().toString();
        try {
            Path keyStore = base.resolve(KEYSTORE);
            java.nio.file.Files.createDirectories(keyStore.getParent());
            server.writeKeyStore(keyStore, password);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write " + KEYSTORE, e);
        }
        String example = Wars.readString(EXAMPLE);
        String connector = example.substring(example.indexOf("<Connector "), example.indexOf("</Connector>") + "</Connector>".length());
        connector = Wars.replaceSample(connector, "<Connector port=\"8443\"", "<Connector port=\"" + port + "\" address=\"127.0.0.1\"");
        // Unchanged, but it must still be there: the keystore was written where the example looks for it.
        connector = Wars.replaceSample(connector, "certificateKeystoreFile=\"" + KEYSTORE + "\"", "certificateKeystoreFile=\"" + KEYSTORE + "\"");
        return Wars.replaceSample(connector, "certificateKeystorePassword=\"changeit\"", "certificateKeystorePassword=\"" + password + "\"");
    }

    /** A client's TLS that trusts only the test's CA, so the handshake proves Tomcat served the installed keystore. */
    SSLContext clientTls() {
        return ca.trustedByClient();
    }
}
