package dev.balancer.tls;

import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigKey;
import dev.balancer.config.KeyMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

/**
 * Key and trust stores built from the configured files, each checked the way a TLS handshake would need it: a
 * certificate chain that parses, a private key that belongs to its certificate, a password that opens the keystore.
 * A file that fails is reported as a {@link ConfigException} under its own key, with the reason.
 */
public final class KeyStores {
    /** Protects the in-memory keystore built from PEM files; it never leaves the process. */
    public static final String IN_MEMORY_PASSWORD = "in-memory";
    private static final String ALIAS = "balancer";

    private KeyStores() {}

    /** A key and its chain, ready for Jetty's {@code SslContextFactory}, and the certificate it presents. */
    public record LoadedKey(KeyStore keyStore, String password, X509Certificate certificate) {}

    public static LoadedKey load(KeyMaterial material) {
        return material.isPem() ? fromPem(material) : fromKeyStore(material);
    }

    private static LoadedKey fromPem(KeyMaterial material) {
        List<X509Certificate> chain;
        try {
            chain = Pem.certificates(read(material.cert()));
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw invalid(material.certKey(), material.cert(), "a PEM certificate chain", e);
        }
        PrivateKey key;
        try {
            key = Pem.privateKey(read(material.key()), chain.get(0).getPublicKey());
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw invalid(material.keyKey(), material.key(), "a PEM private key", e);
        }
        if (!belongTogether(key, chain.get(0))) {
            throw new ConfigException(material.keyKey().key(), material.key().toString(), "the private key of the first certificate in "
                    + material.certKey().key() + " (" + material.cert() + "); this key does not match that certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, IN_MEMORY_PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
            return new LoadedKey(store, IN_MEMORY_PASSWORD, chain.get(0));
        } catch (GeneralSecurityException | IOException e) {
            throw invalid(material.keyKey(), material.key(), "a private key the JDK can store", e);
        }
    }

    private static LoadedKey fromKeyStore(KeyMaterial material) {
        String password = material.keyStorePassword();
        try {
            KeyStore store = KeyStore.getInstance(material.keyStore().toFile(), password.toCharArray());
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate certificate) {
                    // Unlocks the key as Jetty will, so a key password other than the store's fails here, not at the first handshake.
                    store.getKey(alias, password.toCharArray());
                    return new LoadedKey(store, password, certificate);
                }
            }
            throw new GeneralSecurityException("it holds no private key with a certificate");
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw invalid(material.keyStoreKey(), material.keyStore(),
                    "a PKCS12 or JKS keystore that tlsKeyStorePassword opens, with a private key and its certificate", e);
        }
    }

    /** A trust store holding the CA certificates of a PEM bundle. */
    public static KeyStore trustedCertificates(ConfigKey key, Path bundle) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            List<X509Certificate> certificates = Pem.certificates(read(bundle));
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw invalid(key, bundle, "PEM CA certificates", e);
        }
    }

    /** A trust store file (PKCS12 or JKS) opened with its password. */
    public static KeyStore trustStore(ConfigKey key, Path file, String password) {
        try {
            return KeyStore.getInstance(file.toFile(), password.toCharArray());
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw invalid(key, file, "a PKCS12 or JKS trust store that its password opens", e);
        }
    }

    /** Whether the key signs what the certificate's public key verifies: true for a matching pair of any algorithm. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        byte[] probe = "balancer key check".getBytes(StandardCharsets.US_ASCII);
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a key of another algorithm than the certificate's cannot be its key
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    private static ConfigException invalid(ConfigKey key, Path file, String expected, Exception cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ConfigException(key.key(), file.toString(), expected + "; reading it failed: " + reason);
    }
}
