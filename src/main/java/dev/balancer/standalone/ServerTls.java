package dev.balancer.standalone;

import dev.balancer.config.KeyMaterial;
import dev.balancer.config.TlsSettings;
import dev.balancer.tls.KeyStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener's certificate: loaded at startup (a file that does not do fails startup naming its key), then
 * reloaded when the files change, without a restart. Kubernetes updates a mounted Secret by swapping a symbolic
 * link, cert-manager renews weeks before expiry: the files' contents are compared every {@code tlsReloadInterval},
 * and changed ones are loaded into the {@link SslContextFactory} for new handshakes while established connections
 * keep theirs. Files that do not load (half-written, a key that does not match) keep the old certificate in service
 * and are logged as an error; they are tried again once they change.
 *
 * <p>A Jetty bean of the server, so the watch starts and stops with it.
 */
final class ServerTls extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    private final TlsSettings settings;
    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private volatile X509Certificate served;
    /** Digest of the files' contents when last loaded or tried; guarded by this. */
    private byte[] seen;
    private ScheduledExecutorService watch;

    /** @throws dev.balancer.config.ConfigException when the files do not hold a usable key and certificate */
    ServerTls(TlsSettings settings) {
        this.settings = settings;
        KeyStores.LoadedKey key = KeyStores.load(settings.keyMaterial());
        factory.setKeyStore(key.keyStore());
        factory.setKeyStorePassword(key.password());
        // TLS 1.0 and 1.1 are deprecated (RFC 8996); Jetty's default cipher exclusions stay, ordered so that HTTP/2's
        // required ciphers come first (RFC 9113 9.2.2).
        factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        factory.setCipherComparator(HTTP2Cipher.COMPARATOR);
        if (settings.conscrypt()) {
            factory.setProvider(ConscryptTls.providerName());
        }
        served = key.certificate();
        seen = digest();
        LOG.info("HTTPS certificate {} (expires {}) from {}, TLS by {}", served.getSubjectX500Principal(),
                served.getNotAfter().toInstant(), source(), settings.conscrypt() ? "Conscrypt" : "the JVM");
    }

    SslContextFactory.Server factory() {
        return factory;
    }

    /** When the certificate served now expires. */
    Instant notAfter() {
        return served.getNotAfter().toInstant();
    }

    @Override
    protected void doStart() {
        long interval = settings.reloadInterval().toMillis();
        if (interval > 0) {
            watch = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "balancer-tls-reload");
                thread.setDaemon(true);
                return thread;
            });
            watch.scheduleWithFixedDelay(this::reloadIfChanged, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void doStop() {
        if (watch != null) {
            watch.shutdownNow();
        }
    }

    /** Loads the files when their contents changed since they were last loaded or tried. */
    synchronized void reloadIfChanged() {
        byte[] now = digest();
        if (now == null || Arrays.equals(now, seen)) {
            return;
        }
        seen = now;
        try {
            KeyStores.LoadedKey key = KeyStores.load(settings.keyMaterial());
            factory.reload(f -> {
                f.setKeyStore(key.keyStore());
                f.setKeyStorePassword(key.password());
            });
            served = key.certificate();
            LOG.info("HTTPS certificate reloaded: {} (expires {}) from {}; new connections get it", served.getSubjectX500Principal(),
                    notAfter(), source());
        } catch (Exception e) {
            // Also a half-written pair, which the next change completes; meanwhile the old certificate stays in service.
            LOG.error("HTTPS certificate NOT reloaded, still serving {} (expires {}): {}", served.getSubjectX500Principal(),
                    notAfter(), e.getMessage());
        }
    }

    /** SHA-256 over the files' contents; null when one cannot be read right now (logged, and tried again). */
    private byte[] digest() {
        KeyMaterial material = settings.keyMaterial();
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : material.isPem() ? new Path[] {material.cert(), material.key()} : new Path[] {material.keyStore()}) {
                digest.update(Files.readAllBytes(file));
                digest.update((byte) 0); // so moving bytes from one file to the other is a change too
            }
            return digest.digest();
        } catch (IOException e) {
            LOG.error("HTTPS certificate files cannot be read, still serving the loaded certificate: {}", e.toString());
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private String source() {
        KeyMaterial material = settings.keyMaterial();
        return material.isPem() ? material.cert() + " and " + material.key() : material.keyStore().toString();
    }
}
