package dev.balancer.config;

import static dev.balancer.config.ConfigKey.HTTPS_PORT;
import static dev.balancer.config.ConfigKey.REDIRECT_TO_HTTPS;
import static dev.balancer.config.ConfigKey.TLS_CERT;
import static dev.balancer.config.ConfigKey.TLS_KEY;
import static dev.balancer.config.ConfigKey.TLS_KEY_STORE;
import static dev.balancer.config.ConfigKey.TLS_KEY_STORE_PASSWORD;
import static dev.balancer.config.ConfigKey.TLS_PROVIDER;
import static dev.balancer.config.ConfigKey.TLS_RELOAD_INTERVAL;

import java.time.Duration;

/**
 * The runnable jar's HTTPS listener. Off unless a certificate is given, either as PEM files ({@code tlsCert} and
 * {@code tlsKey}, what a Kubernetes TLS Secret mounts) or as a PKCS12 keystore. The files are only checked to exist
 * here; whether they parse and the key fits the certificate is checked when the listener is built.
 *
 * @param keyMaterial     where the certificate and key come from; null when HTTPS is off
 * @param httpsPort       the TLS connector's port; 0 for any free one
 * @param redirectToHttps whether the clear port redirects to {@code httpsPort}
 * @param reloadInterval  how often the files are checked for a new certificate; zero: never
 * @param conscrypt       whether Conscrypt (BoringSSL) does the TLS instead of the JVM's own provider
 */
public record TlsSettings(KeyMaterial keyMaterial, int httpsPort, boolean redirectToHttps, Duration reloadInterval,
                          boolean conscrypt) {

    public boolean enabled() {
        return keyMaterial != null;
    }

    public static TlsSettings from(Values values) {
        KeyMaterial material = KeyMaterial.from(values, TLS_CERT, TLS_KEY, TLS_KEY_STORE, TLS_KEY_STORE_PASSWORD);
        boolean redirect = values.bool(REDIRECT_TO_HTTPS);
        if (redirect && material == null) {
            throw values.invalid(REDIRECT_TO_HTTPS, "false unless HTTPS is on (tlsCert and tlsKey, or tlsKeyStore, are set)");
        }
        return new TlsSettings(material, values.integer(HTTPS_PORT), redirect, values.duration(TLS_RELOAD_INTERVAL),
                values.choice(TLS_PROVIDER).equals("conscrypt"));
    }
}
