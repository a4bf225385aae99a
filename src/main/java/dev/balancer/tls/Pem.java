package dev.balancer.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys from PEM text with the JDK alone: certificate chains, PKCS#8 keys ({@code BEGIN
 * PRIVATE KEY}, what Kubernetes tooling and openssl 3 write) and the older PKCS#1 RSA and SEC1 EC keys ({@code BEGIN
 * RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}), which are wrapped into PKCS#8 for the JDK's key factories.
 * Encrypted keys are not read: a mounted Secret holds them in the clear, and a password beside it would add nothing.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** DER of the rsaEncryption AlgorithmIdentifier: OID 1.2.840.113549.1.1.1 and NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
            0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** DER of OID 1.2.840.10045.2.1, id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Pem() {}

    /** The certificates in the text, in order; an error when there is none. */
    static List<X509Certificate> certificates(String text) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
            }
        }
        if (certificates.isEmpty()) {
            throw new CertificateException("no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return certificates;
    }

    /**
     * The first private key in the text.
     *
     * @param certified the certificate's public key, whose curve a SEC1 EC key that does not name its own is on
     */
    static PrivateKey privateKey(String text, PublicKey certified) throws GeneralSecurityException {
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            byte[] der = decode(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(der);
                case "RSA PRIVATE KEY":
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrap(RSA_ALGORITHM, der)));
                case "EC PRIVATE KEY":
                    byte[] curve = Der.namedCurve(der);
                    byte[] algorithm = curve != null ? sequence(concat(EC_PUBLIC_KEY, curve)) : Der.algorithm(certified.getEncoded());
                    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(wrap(algorithm, der)));
                case "ENCRYPTED PRIVATE KEY":
                    throw new GeneralSecurityException("the private key is encrypted; give it unencrypted (PKCS#8 or PKCS#1)");
                default:
                    // certificates or parameters beside the key: skip
            }
        }
        throw new GeneralSecurityException("no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
    }

    /** A PKCS#8 key of whichever algorithm its AlgorithmIdentifier names among those a TLS certificate uses. */
    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not an RSA, EC or Ed25519 PKCS#8 private key", last);
    }

    /** PKCS#8 PrivateKeyInfo: version 0, the algorithm, and the key as an OCTET STRING. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, Der.element(0x04, key)));
    }

    private static byte[] sequence(byte[] content) {
        return Der.element(0x30, content);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64);
    }
}
