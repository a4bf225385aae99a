package dev.balancer.config;

import static dev.balancer.config.ConfigKey.BACKEND_TLS_CA;
import static dev.balancer.config.ConfigKey.BACKEND_TLS_CERT;
import static dev.balancer.config.ConfigKey.BACKEND_TLS_KEY;
import static dev.balancer.config.ConfigKey.BACKEND_TLS_VERIFY;
import static dev.balancer.config.ConfigKey.BACKEND_TRUST_STORE;
import static dev.balancer.config.ConfigKey.BACKEND_TRUST_STORE_PASSWORD;

import java.nio.file.Path;

/**
 * TLS to {@code https://} backends, for both front ends: what is trusted (the JVM's CAs unless a CA bundle or a trust
 * store is given), whether to verify at all, and the client certificate for backends that require one.
 *
 * @param verify              check the chain and the host name; false only as an explicit opt-out
 * @param ca                  PEM CA bundle trusted instead of the JVM's; null for none
 * @param trustStore          trust store file trusted instead of the JVM's; null for none
 * @param trustStorePassword  its password, empty when none
 * @param clientCertificate   the client certificate and key (PEM); null for none
 */
public record BackendTlsSettings(boolean verify, Path ca, Path trustStore, String trustStorePassword,
                                 KeyMaterial clientCertificate) {

    public static BackendTlsSettings from(Values values) {
        Path ca = values.file(BACKEND_TLS_CA);
        Path trustStore = values.file(BACKEND_TRUST_STORE);
        if (ca != null && trustStore != null) {
            throw values.invalid(BACKEND_TRUST_STORE, "either backendTlsCa or backendTrustStore, not both");
        }
        String password = values.raw(BACKEND_TRUST_STORE_PASSWORD);
        KeyMaterial client = KeyMaterial.from(values, BACKEND_TLS_CERT, BACKEND_TLS_KEY, null, null);
        return new BackendTlsSettings(values.bool(BACKEND_TLS_VERIFY), ca, trustStore, password == null ? "" : password, client);
    }
}
