package dev.balancer.tls;

import dev.balancer.config.BackendTlsSettings;
import dev.balancer.config.ConfigKey;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS to {@code https://} backends: the chain is verified against the JVM's CAs, or {@code backendTlsCa}, or
 * {@code backendTrustStore}, and the host name against the certificate (the {@code HTTPS} endpoint identification of
 * RFC 2818), unless {@code backendTlsVerify=false} turns both off. SNI names the backend's host (Jetty sends it for
 * host names, not for IP addresses, as RFC 6066 says). One client serves traffic and health probes alike.
 */
public final class BackendTls {
    private static final Logger LOG = LoggerFactory.getLogger(BackendTls.class);

    private BackendTls() {}

    /** @throws dev.balancer.config.ConfigException when a file does not hold what its key needs */
    public static SslContextFactory.Client clientFactory(BackendTlsSettings settings) {
        SslContextFactory.Client factory = new SslContextFactory.Client();
        factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        if (settings.verify()) {
            factory.setEndpointIdentificationAlgorithm("HTTPS");
            if (settings.ca() != null) {
                factory.setTrustStore(KeyStores.trustedCertificates(ConfigKey.BACKEND_TLS_CA, settings.ca()));
            } else if (settings.trustStore() != null) {
                factory.setTrustStore(KeyStores.trustStore(ConfigKey.BACKEND_TRUST_STORE, settings.trustStore(),
                        settings.trustStorePassword()));
            }
        } else {
            factory.setTrustAll(true);
            factory.setEndpointIdentificationAlgorithm(null);
            LOG.warn("backendTlsVerify=false: certificates of https:// backends are NOT verified (any certificate, any host "
                    + "name is accepted); traffic to them can be read and changed by anyone on the path");
        }
        if (settings.clientCertificate() != null) {
            KeyStores.LoadedKey client = KeyStores.load(settings.clientCertificate());
            factory.setKeyStore(client.keyStore());
            factory.setKeyStorePassword(client.password());
        }
        return factory;
    }
}
