package dev.balancer.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for the TLS tests, made in the test with Bouncy Castle (no openssl): a CA, and certificates it
 * issues for any names and validity, written as PEM the way Kubernetes TLS Secrets hold them.
 */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A key pair and its certificate chain (the certificate, then its issuer's unless self-signed). */
    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {
        /** The certificate, then its issuer's unless it is self-signed. */
        public X509Certificate[] chain() {
            return issuer == certificate ? new X509Certificate[] {certificate} : new X509Certificate[] {certificate, issuer};
        }

        /** Writes {@code name.crt} (the chain) and {@code name.key} (PKCS#8, or the key's traditional format). */
        public Pem write(Path dir, String name, boolean pkcs8) throws IOException {
            Pem pem = new Pem(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
            replace(pem.cert(), pemOf(certificate) + (issuer == certificate ? "" : pemOf(issuer)));
            replace(pem.key(), pkcs8 ? block("PRIVATE KEY", keys.getPrivate().getEncoded()) : pemOf(keys.getPrivate()));
            return pem;
        }

        /** A PKCS12 keystore file with the key and chain under one password. */
        public Path writeKeyStore(Path file, String password) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", keys.getPrivate(), password.toCharArray(), chain());
            try (var out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            return file;
        }

        /** A client's TLS context that trusts this certificate (a CA's) and nothing else. */
        public SSLContext trustedByClient() {
            try {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("ca", certificate);
                TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(trust);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trustManagers.getTrustManagers(), null);
                return context;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public record Pem(Path cert, Path key) {}

    private TestCertificates() {}

    public static Issued ca(String name) throws Exception {
        KeyPair keys = ecKeys();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate certificate = sign(builder, keys);
        return new Issued(keys, certificate, certificate);
    }

    /** A certificate for 127.0.0.1 and localhost, valid now, issued by the CA. */
    public static Issued server(Issued ca) throws Exception {
        return issue(ca, "localhost", ecKeys(), Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(10)),
                "localhost", "127.0.0.1");
    }

    /**
     * A certificate for the given names (IP addresses or DNS names) and validity, issued by the CA, or self-signed when
     * the CA is null.
     */
    public static Issued issue(Issued ca, String commonName, KeyPair keys, Instant notBefore, Instant notAfter, String... names)
            throws Exception {
        X500Name subject = new X500Name("CN=" + commonName);
        X500Name issuer = ca == null ? subject : new X500Name(ca.certificate().getSubjectX500Principal().getName());
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(notBefore), Date.from(notAfter),
                subject, keys.getPublic());
        GeneralName[] alternatives = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            boolean ip = names[i].matches("[0-9.]+");
            alternatives[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
        X509Certificate certificate = sign(builder, ca == null ? keys : ca.keys());
        return new Issued(keys, certificate, ca == null ? certificate : ca.certificate());
    }

    public static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    public static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        String algorithm = signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        ContentSigner contentSigner = new JcaContentSignerBuilder(algorithm).build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    /** PEM as openssl writes it: certificates, and private keys in their traditional format (PKCS#1 RSA, SEC1 EC). */
    private static String pemOf(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Written beside and moved into place, as Kubernetes swaps a Secret's files: a reader never sees half a file. */
    private static void replace(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
