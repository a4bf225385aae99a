package dev.balancer.config;

import java.nio.file.Path;

/**
 * A private key with its certificate chain: PEM files ({@code cert} and {@code key}) or a keystore file with its
 * password. The keys it came from travel along, so a file that turns out unusable is reported under its own key.
 */
public record KeyMaterial(Path cert, Path key, Path keyStore, String keyStorePassword,
                          ConfigKey certKey, ConfigKey keyKey, ConfigKey keyStoreKey) {

    public boolean isPem() {
        return cert != null;
    }

    /** Reads the files one key names; null when none is set, an error when they are only half set or both ways. */
    static KeyMaterial from(Values values, ConfigKey certKey, ConfigKey keyKey, ConfigKey keyStoreKey, ConfigKey passwordKey) {
        Path cert = values.file(certKey);
        Path key = values.file(keyKey);
        Path keyStore = keyStoreKey == null ? null : values.file(keyStoreKey);
        if (keyStore != null && (cert != null || key != null)) {
            throw values.invalid(keyStoreKey, "either " + keyStoreKey.key() + " or " + certKey.key() + " and " + keyKey.key()
                    + ", not both");
        }
        if (cert != null && key == null) {
            throw values.invalid(keyKey, "a PEM file with the private key of " + certKey.key() + " (both are needed)");
        }
        if (key != null && cert == null) {
            throw values.invalid(certKey, "a PEM file with the certificate chain of " + keyKey.key() + " (both are needed)");
        }
        if (cert == null && keyStore == null) {
            return null;
        }
        String password = passwordKey == null ? null : values.raw(passwordKey);
        return new KeyMaterial(cert, key, keyStore, password == null ? "" : password, certKey, keyKey, keyStoreKey);
    }
}
