package dev.balancer.tls;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/** The little DER that converting a SEC1 EC key to PKCS#8 takes: writing an element, finding the curve's OID. */
final class Der {
    private Der() {}

    /** Tag, definite length, content. */
    static byte[] element(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /**
     * The named curve's OID element (tag, length, value) of a SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING
     * key, [0] OID curve, [1] public key }; null when the key leaves the curve out (then it is the certificate's).
     */
    static byte[] namedCurve(byte[] sec1) throws GeneralSecurityException {
        int[] position = {0};
        header(sec1, position, 0x30);
        skip(sec1, position, 0x02);
        skip(sec1, position, 0x04);
        if (position[0] < sec1.length && (sec1[position[0]] & 0xff) == 0xa0) {
            header(sec1, position, 0xa0);
            int start = position[0];
            int length = header(sec1, position, 0x06);
            return Arrays.copyOfRange(sec1, start, position[0] + length);
        }
        return null;
    }

    /** The AlgorithmIdentifier element of a SubjectPublicKeyInfo, e.g. id-ecPublicKey with the certificate's curve. */
    static byte[] algorithm(byte[] subjectPublicKeyInfo) throws GeneralSecurityException {
        int[] position = {0};
        header(subjectPublicKeyInfo, position, 0x30);
        int start = position[0];
        int length = header(subjectPublicKeyInfo, position, 0x30);
        return Arrays.copyOfRange(subjectPublicKeyInfo, start, position[0] + length);
    }

    /** Reads a tag and length at the position, leaving it at the content; returns the content's length. */
    private static int header(byte[] der, int[] position, int tag) throws GeneralSecurityException {
        int p = position[0];
        if (p + 2 > der.length || (der[p] & 0xff) != tag) {
            throw new GeneralSecurityException("malformed EC private key");
        }
        int length = der[p + 1] & 0xff;
        p += 2;
        if (length >= 0x80) {
            int bytes = length & 0x7f;
            if (bytes > 3 || p + bytes > der.length) {
                throw new GeneralSecurityException("malformed EC private key");
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (der[p++] & 0xff);
            }
        }
        if (p + length > der.length) {
            throw new GeneralSecurityException("malformed EC private key");
        }
        position[0] = p;
        return length;
    }

    private static void skip(byte[] der, int[] position, int tag) throws GeneralSecurityException {
        int length = header(der, position, tag);
        position[0] += length;
    }
}
