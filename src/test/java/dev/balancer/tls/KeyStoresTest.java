package dev.balancer.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigSources;
import dev.balancer.config.TlsSettings;
import dev.balancer.testing.TestCertificates;
import dev.balancer.testing.TestCertificates.Issued;
import dev.balancer.testing.TestCertificates.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS listener's key material, as startup checks it: every PEM key format, and each way a file can be wrong. */
class KeyStoresTest {
    @TempDir
    static Path dir;
    private static Issued ca;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCertificates.ca("Test CA");
    }

    private static TlsSettings tls(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.put("backends", "http://127.0.0.1:8081");
        return BalancerConfig.from(new ConfigSources().add("test", all, true)).tls();
    }

    private static TlsSettings pem(Pem pem) {
        return tls(Map.of("tlsCert", pem.cert().toString(), "tlsKey", pem.key().toString()));
    }

    private static Issued issue(KeyPair keys) throws Exception {
        return TestCertificates.issue(ca, "localhost", keys, Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)), "localhost");
    }

    @Test
    void readsPkcs8AndTraditionalKeysOfRsaAndEc() throws Exception {
        Issued ec = issue(TestCertificates.ecKeys());
        Issued rsa = issue(TestCertificates.rsaKeys());
        for (boolean pkcs8 : new boolean[] {true, false}) {
            assertThat(KeyStores.load(pem(ec.write(dir, "ec" + pkcs8, pkcs8)).keyMaterial()).certificate()).isEqualTo(ec.certificate());
            assertThat(KeyStores.load(pem(rsa.write(dir, "rsa" + pkcs8, pkcs8)).keyMaterial()).certificate()).isEqualTo(rsa.certificate());
        }
        assertThat(Files.readString(dir.resolve("ecfalse.key"))).contains("BEGIN EC PRIVATE KEY");
        assertThat(Files.readString(dir.resolve("rsafalse.key"))).contains("BEGIN RSA PRIVATE KEY");
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateFailsNamingTheKey() throws Exception {
        Pem one = TestCertificates.server(ca).write(dir, "one", true);
        Pem other = TestCertificates.server(ca).write(dir, "other", true);
        TlsSettings mismatched = pem(new Pem(one.cert(), other.key()));
        assertThatThrownBy(() -> KeyStores.load(mismatched.keyMaterial()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tlsKey=").hasMessageContaining(other.key().toString())
                .hasMessageContaining("does not match that certificate");
    }

    @Test
    void aFileWithoutPemFailsNamingItsKeyAndTheReason() throws Exception {
        Pem good = TestCertificates.server(ca).write(dir, "good", true);
        Path garbage = Files.writeString(dir.resolve("garbage.crt"), "not a certificate");
        assertThatThrownBy(() -> KeyStores.load(pem(new Pem(garbage, good.key())).keyMaterial()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tlsCert=").hasMessageContaining("no PEM certificate");
        assertThatThrownBy(() -> KeyStores.load(pem(new Pem(good.cert(), garbage)).keyMaterial()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tlsKey=").hasMessageContaining("no PEM private key");
    }

    @Test
    void aMissingFileOrAHalfPairFailsAtParsing() {
        assertThatThrownBy(() -> tls(Map.of("tlsCert", dir.resolve("absent.crt").toString(), "tlsKey", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tlsCert=").hasMessageContaining("missing");
        assertThatThrownBy(() -> tls(Map.of("redirectToHttps", "true")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redirectToHttps=");
    }

    @Test
    void aKeystoreOpensWithItsPasswordOnly() throws Exception {
        Issued server = TestCertificates.server(ca);
        Path store = server.writeKeyStore(dir.resolve("server.p12"), "secret");
        TlsSettings right = tls(Map.of("tlsKeyStore", store.toString(), "tlsKeyStorePassword", "secret"));
        assertThat(KeyStores.load(right.keyMaterial()).certificate()).isEqualTo(server.certificate());
        TlsSettings wrong = tls(Map.of("tlsKeyStore", store.toString(), "tlsKeyStorePassword", "wrong"));
        assertThatThrownBy(() -> KeyStores.load(wrong.keyMaterial()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tlsKeyStore=").hasMessageContaining("tlsKeyStorePassword opens")
                .hasMessageNotContaining("wrong");
    }
}
