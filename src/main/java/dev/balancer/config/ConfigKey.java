package dev.balancer.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every configuration key Balancer understands, with its default, the values it allows and its meaning: the one list
 * the parsers check against and README, web.xml and {@code --help} are checked against.
 */
public enum ConfigKey {
    BACKENDS("backends", null, described("list of URL [weight=1..1000] [backup] [down]"),
            "comma-separated backends, each 'URL [weight=N] [backup] [down]' (required unless discovery=dns; with dns, the set used until a resolution succeeds)"),
    STRATEGY("strategy", "round-robin", matching("(?s).+", "name or class name", "a strategy name or a class name"),
            "round-robin, random, least-connections, power-of-two, hash, least-latency, or a class name"),
    HASH_ON("hashOn", "client-ip", matching("client-ip|uri|(header|cookie):" + Values.TOKEN, "client-ip, uri, header:NAME, cookie:NAME",
            "one of client-ip, uri, header:NAME, cookie:NAME"), "key for strategy=hash: client-ip, uri, header:NAME or cookie:NAME"),
    STICKY_COOKIE("stickyCookie", null, token(), "name of a cookie that pins a client to a backend (off when unset)"),
    HEALTH_CHECK_PATH("healthCheckPath", null, matching("(?s)/.*", "path starting with /", "a path starting with '/', e.g. /health"),
            "path probed on every backend, e.g. /health (active checks off when unset)"),
    HEALTH_CHECK_INTERVAL("healthCheckInterval", "5s", positiveDuration(), "time between probes of one backend"),
    /** No literal default: it follows the interval, see {@link HealthSettings}. */
    HEALTH_CHECK_TIMEOUT("healthCheckTimeout", null, "min(2s, healthCheckInterval)", positiveDuration(),
            "a probe slower than this fails; at most healthCheckInterval"),
    HEALTH_CHECK_METHOD("healthCheckMethod", "GET", matching("(?i)GET|HEAD", "GET, HEAD", "GET or HEAD"),
            "method of the probes; HEAD when the body is not needed"),
    HEALTH_CHECK_PORT("healthCheckPort", null, range(1, 65535),
            "port probed instead of the traffic port, e.g. a management port; the backend's base path is then left out"),
    HEALTH_CHECK_STATUS("healthCheckStatus", "200-399", matching(ProbeSettings.STATUS_LIST, "codes and ranges like 200,204,300-399",
            "status codes and ranges from 100 to 599, comma-separated, e.g. 200,204,300-399"), "statuses that pass a probe"),
    HEALTH_CHECK_BODY("healthCheckBody", null, matching("(?s).+", "text", "text the body must contain"),
            "text the probe's answer must contain in its first 64KiB (off when unset)"),
    HEALTH_CHECK_HEADERS("healthCheckHeaders", null, matching(ProbeSettings.HEADER_LIST, "Name: value; Name: value",
            "headers as 'Name: value', separated by ';', e.g. 'Host: app.local; X-Probe: 1'"),
            "headers sent with every probe, e.g. Host: app.local; X-Probe: 1"),
    HEALTHY_THRESHOLD("healthyThreshold", "2", range(1, 100), "consecutive passed probes that bring a backend back"),
    UNHEALTHY_THRESHOLD("unhealthyThreshold", "3", range(1, 100), "consecutive failed probes that take a backend out"),
    MAX_FAILS("maxFails", "3", range(1, 1000), "passive: failures within failTimeout that eject a backend"),
    FAIL_TIMEOUT("failTimeout", "10s", positiveDuration(), "passive: failure window, and how long an ejection lasts"),
    EJECT_ON_5XX("ejectOn5xx", "off", new Allowed.CountOrOff(1, 1000),
            "passive: consecutive 5xx answers that eject a backend like failures do (off: a 5xx is an answer)"),
    MAX_EJECTION_PERCENT("maxEjectionPercent", "50", range(1, 100),
            "passive: most backends ejected at once, in percent of the pool; one may always be"),
    PANIC_THRESHOLD("panicThreshold", "50", range(0, 100),
            "below this percent of healthy primaries and no healthy backup, traffic goes to all backends not drained or down; 0: off"),
    SLOW_START("slowStart", "0s", duration(), "ramp a recovered or newly discovered backend's weight up over this time"),
    RETRIES("retries", "1", range(0, 10), "other backends tried when it is safe (connect failure, or idempotent and nothing sent)"),
    RETRY_ON("retryOn", "connect-failure,reset", described("list of connect-failure, reset, gateway-error, 500..599"),
            "what is retried: connect-failure, reset (closed before any answer), gateway-error (502, 503, 504) or a 5xx status the backend answered"),
    PER_TRY_TIMEOUT("perTryTimeout", "off", duration(),
            "each attempt's time to the response headers; an attempt that takes longer is retried when safe (off: responseTimeout, not retried)"),
    RETRY_BUDGET("retryBudget", "20%", described("0%..100%"),
            "retries in flight at most this share of the requests in flight (at least 10), so retries cannot multiply an outage"),
    CONNECT_TIMEOUT("connectTimeout", "2s", positiveDuration(), "connect timeout to a backend"),
    RESPONSE_TIMEOUT("responseTimeout", "30s", positiveDuration(),
            "from sending a request until the backend's response headers arrive; beyond it 504"),
    IDLE_TIMEOUT("idleTimeout", "60s", positiveDuration(),
            "no byte from the backend for this long: 504 before its response, the connection cut after; also how long an idle keep-alive connection stays open (both sides in the runnable jar)"),
    TIMEOUT("timeout", "off", duration(),
            "the whole exchange with a backend, off by default (streams and downloads may take long); beyond it 504 before the response, a cut after"),
    TUNNEL_IDLE_TIMEOUT("tunnelIdleTimeout", "1h", positiveDuration(),
            "idle time of a WebSocket tunnel after the backend's 101, both sides (HAProxy's timeout tunnel)"),
    TRUST_FORWARDED_FOR("trustForwardedFor", "false", flag(), "use the client's X-Forwarded-For for hashing and logs, and append to it"),
    DISCOVERY("discovery", "static", new Allowed.OneOf(List.of("static", "dns")), "static (the backends list) or dns (resolve discoveryHost)"),
    DISCOVERY_HOST("discoveryHost", null, matching(Values.HOST_NAME, "host name",
            "a host name such as my-app.default.svc.cluster.local is required when discovery=dns (no scheme, no port: the port is discoveryPort)"),
            "host name resolved when discovery=dns, one backend per A/AAAA address (a headless Service)"),
    DISCOVERY_PORT("discoveryPort", "80", range(1, 65535), "backend port when discovery=dns"),
    DISCOVERY_INTERVAL("discoveryInterval", "10s", positiveDuration(), "time between DNS resolutions"),
    LATENCY_DECAY("latencyDecay", "10s", positiveDuration(), "window of the peak-EWMA latency used by least-latency"),
    STRIP_PREFIX("stripPrefix", "false", flag(), "remove the servlet's mapped prefix (e.g. /api) before forwarding"),
    PRESERVE_HOST("preserveHost", "false", flag(), "forward the client's Host header instead of the backend's"),
    REQUEST_ID_HEADER("requestIdHeader", "X-Request-Id", token(),
            "header carrying each request's id to the backend and back; a sane id from the client is kept, else one is made"),
    MAX_REQUEST_HEADER_SIZE("maxRequestHeaderSize", "16KiB", new Allowed.SizeRange(1024, 1024 * 1024, false), "larger request headers get 431"),
    MAX_REQUEST_BODY_SIZE("maxRequestBodySize", "unlimited", new Allowed.SizeRange(0, Long.MAX_VALUE / 2, true), "larger request bodies get 413"),
    MAX_CONNECTIONS_PER_BACKEND("maxConnectionsPerBackend", "256", range(1, 100_000),
            "connections per backend; as many again may queue, beyond that 503"),
    ADMIN("admin", "true", flag(), "serve the admin endpoints under adminPath"),
    ADMIN_PATH("adminPath", "/_balancer", matching("/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*", "path like /_balancer, no trailing /",
            "a path like /_balancer (letters, digits, . _ ~ - and /; no trailing /)"), "path prefix of the admin endpoints"),
    ADMIN_TOKEN("adminToken", null, token(), "bearer token for admin endpoints; without it they answer only loopback clients"),
    ACCESS_LOG("accessLog", "false", flag(), "one line per request to SLF4J logger dev.balancer.access"),
    ACCESS_LOG_FORMAT("accessLogFormat", "default", new Allowed.OneOf(List.of("default", "json", "combined")),
            "default (key=value pairs), json (one object per line) or combined (Apache/nginx combined log format)"),
    SHUTDOWN_DELAY("shutdownDelay", "5s", duration(),
            "on stop: health turns 503 while traffic is still served this long, then the listener closes (runnable jar)"),
    SHUTDOWN_TIMEOUT("shutdownTimeout", "30s", duration(), "on stop: time in-flight requests get to finish"),
    PORT("port", "8080", range(0, 65535), "listening port (runnable jar only)"),
    HOST("host", "0.0.0.0", new Allowed.Described("address or host name"), "listening address (runnable jar only)"),
    CONFIG("config", null, new Allowed.Described("path of a properties file"),
            "properties file of more keys, below the command line (jar) or the init- and context-params (WAR); reread on SIGHUP"),
    CONFIG_WATCH("configWatch", "false", flag(),
            "reload the config file when its content changes (checked every 2s; follows Kubernetes ConfigMap symlink swaps)"),
    H2C("h2c", "false", flag(), "also speak HTTP/2 without TLS (prior knowledge) on port, beside HTTP/1.1 (runnable jar only)"),
    TLS_CERT("tlsCert", null, file("PEM"),
            "certificate chain of the HTTPS listener, server certificate first (a TLS Secret's tls.crt); needs tlsKey (runnable jar only)"),
    TLS_KEY("tlsKey", null, file("PEM"), "private key of tlsCert: PKCS#8, or PKCS#1 RSA or EC, unencrypted (runnable jar only)"),
    TLS_KEY_STORE("tlsKeyStore", null, file("PKCS12"),
            "keystore with the HTTPS listener's key and certificate chain, instead of tlsCert and tlsKey (runnable jar only)"),
    TLS_KEY_STORE_PASSWORD("tlsKeyStorePassword", null, described("text"), "password of tlsKeyStore and of its key (runnable jar only)"),
    HTTPS_PORT("httpsPort", "8443", range(0, 65535), "HTTPS listening port, open when tlsCert or tlsKeyStore is set (runnable jar only)"),
    REDIRECT_TO_HTTPS("redirectToHttps", "false", flag(),
            "port answers every request with a 308 to https on httpsPort, except the admin health endpoint (runnable jar only)"),
    TLS_RELOAD_INTERVAL("tlsReloadInterval", "10s", duration(),
            "how often the TLS files are checked for changes; new connections get a changed certificate without a restart (runnable jar only)"),
    TLS_PROVIDER("tlsProvider", "jdk", new Allowed.OneOf(List.of("jdk", "conscrypt")),
            "TLS implementation of the HTTPS listener: jdk (the JVM's) or conscrypt (BoringSSL, bundled: 2-4x the new handshakes per CPU-second, no faster on established connections; Linux and macOS on x86-64 and ARM64, Windows on x86-64) (runnable jar only)"),
    BACKEND_PROTOCOL("backendProtocol", "http/1.1", new Allowed.OneOf(List.of("http/1.1", "h2c", "h2")),
            "protocol to backends: http/1.1, h2c (HTTP/2 with prior knowledge, http:// backends) or h2 (HTTP/2 by ALPN, https:// backends); WebSocket upgrades stay on HTTP/1.1"),
    BACKEND_TLS_VERIFY("backendTlsVerify", "true", flag(),
            "verify https:// backends' certificate chain and host name; false accepts any certificate (insecure, logged as such)"),
    BACKEND_TLS_CA("backendTlsCa", null, file("PEM"), "CA certificates trusted for https:// backends instead of the JVM's"),
    BACKEND_TRUST_STORE("backendTrustStore", null, file("PKCS12 or JKS"),
            "trust store for https:// backends instead of the JVM's, alternative to backendTlsCa"),
    BACKEND_TRUST_STORE_PASSWORD("backendTrustStorePassword", null, described("text"), "password of backendTrustStore"),
    BACKEND_TLS_CERT("backendTlsCert", null, file("PEM"),
            "client certificate chain presented to https:// backends that ask for one (mutual TLS); needs backendTlsKey"),
    BACKEND_TLS_KEY("backendTlsKey", null, file("PEM"), "private key of backendTlsCert: PKCS#8, or PKCS#1 RSA or EC, unencrypted");

    private final String key;
    private final String defaultValue;
    private final String documentedDefault;
    private final Allowed allowed;
    private final String meaning;

    ConfigKey(String key, String defaultValue, Allowed allowed, String meaning) {
        this(key, defaultValue, defaultValue, allowed, meaning);
    }

    ConfigKey(String key, String defaultValue, String documentedDefault, Allowed allowed, String meaning) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.documentedDefault = documentedDefault;
        this.allowed = allowed;
        this.meaning = meaning;
    }

    public String key() {
        return key;
    }

    /** The value used when no source sets the key, as a user would write it; null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    /**
     * The default as docs write it: {@link #defaultValue()}, or how it is derived when it depends on another key
     * ({@code min(2s, healthCheckInterval)}); null when the key has none.
     */
    public String documentedDefault() {
        return documentedDefault;
    }

    /** What values the key accepts: the parser checks against it, docs show it. */
    public Allowed allowed() {
        return allowed;
    }

    public String meaning() {
        return meaning;
    }

    /** {@code BALANCER_HEALTH_CHECK_PATH} for {@code healthCheckPath}. */
    public String envName() {
        return "BALANCER_" + name();
    }

    public String systemProperty() {
        return "balancer." + key;
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /** The known key closest to a mistyped one, for "did you mean" hints. */
    public static String closest(String unknown) {
        String lower = unknown.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .map(ConfigKey::key)
                .min(Comparator.comparingInt(k -> editDistance(lower, k.toLowerCase(Locale.ROOT))))
                .orElseThrow();
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Allowed range(int min, int max) {
        return new Allowed.IntRange(min, max);
    }

    private static Allowed duration() {
        return new Allowed.DurationRange(true);
    }

    private static Allowed positiveDuration() {
        return new Allowed.DurationRange(false);
    }

    private static Allowed flag() {
        return new Allowed.Flag();
    }

    private static Allowed token() {
        return matching(Values.TOKEN, "HTTP token", "letters, digits and !#$%&'*+.^_`|~- only (an HTTP token)");
    }

    /** A file of the given format, e.g. {@code path to a PEM file}; read when the section is built. */
    private static Allowed file(String format) {
        return new Allowed.Described("path to a " + format + " file");
    }

    private static Allowed described(String docs) {
        return new Allowed.Described(docs);
    }

    private static Allowed matching(String regex, String docs, String message) {
        return new Allowed.Matching(Pattern.compile(regex), docs, message);
    }
}
