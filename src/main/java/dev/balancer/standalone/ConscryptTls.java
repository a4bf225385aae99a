package dev.balancer.standalone;

import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigKey;
import java.security.Provider;
import java.security.Security;
import org.conscrypt.Conscrypt;

/**
 * Conscrypt (Google's Java provider over BoringSSL) for the HTTPS listener, chosen by {@code tlsProvider=conscrypt}.
 * The JDK's own TLS spends ~3.6 ms of CPU on a full TLS 1.3 handshake on JDK 17 (~2.1 ms on JDK 25), OpenSSL in
 * nginx ~0.5 ms (docs/performance.md): with a client population that reconnects often, the handshakes are the
 * listener's CPU; Conscrypt measured 1.8-4.3x the JDK's handshakes per CPU-second, but on established connections
 * it was no faster and mostly slower (every record crosses JNI), hence opt-in. Jetty finds the ALPN processor for
 * Conscrypt's engines on the class path (jetty-alpn-conscrypt-server), so h2 negotiates as before.
 */
final class ConscryptTls {
    private ConscryptTls() {}

    /**
     * Registers Conscrypt with the JVM (after the JDK's providers: it serves only who asks for it by name) and returns
     * its name for Jetty's {@code SslContextFactory}.
     *
     * @throws ConfigException when its native library does not load here (a platform it has no build for)
     */
    static synchronized String providerName() {
        if (!Conscrypt.isAvailable()) {
            throw new ConfigException(ConfigKey.TLS_PROVIDER.key(), "conscrypt", "jdk on this platform ("
                    + System.getProperty("os.name") + ", " + System.getProperty("os.arch")
                    + "): Conscrypt's native library does not load here");
        }
        Provider provider = Conscrypt.newProvider();
        if (Security.getProvider(provider.getName()) == null) {
            Security.addProvider(provider);
        }
        return provider.getName();
    }
}
