package dev.balancer;

import dev.balancer.admin.Admin;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.Failures;
import dev.balancer.backend.PoolSnapshot;
import dev.balancer.config.BalancerConfig;
import dev.balancer.config.DiscoverySettings;
import dev.balancer.discovery.Discovery;
import dev.balancer.health.HealthChecks;
import dev.balancer.strategy.ClientRequest;
import dev.balancer.tls.BackendTls;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balancing core that both front ends share — the servlet ({@code dev.balancer.servlet}) in a servlet container
 * and Jetty's core proxy handler ({@code dev.balancer.handler}) in the runnable jar: the pool and its strategy,
 * health checks, discovery, sticky sessions, admin telemetry and graceful drain, and every decision about a request,
 * returned as a value the front end executes: where it goes ({@link Route}), and after a failed attempt whether it
 * is retried, answered with an error or cut ({@link Recovery}). The front ends only move bytes.
 */
public final class Balancer {
    private static final Logger LOG = LoggerFactory.getLogger(Balancer.class);
    static final String NO_HEALTHY_BACKEND = "no healthy backend";
    private static final Recovery ABORT = new Recovery.Abort();

    private final String name;
    private final BalancerConfig config;
    private final BackendPool pool;
    private final StickySessions sticky;
    private final Admin admin;
    private final ProxyHeaders proxyHeaders;
    private final RequestIds requestIds;
    private final Drain drain = new Drain();
    private final BackendCapacity capacity;
    private final long attemptTimeoutNanos;
    private final long totalTimeoutMillis;
    private final RetryPolicy retries;
    private final SslContextFactory.Client backendTls;
    /** Replaced when a reload changes what DNS discovery resolves. */
    private volatile Discovery discovery;
    private HealthChecks health;

    /**
     * @param name   names this balancer in logs and metrics (the servlet's name)
     * @param loader loads a strategy given by class name
     * @throws dev.balancer.config.ConfigException when the strategy cannot be created, or a backend TLS file is unusable
     */
    public Balancer(String name, BalancerConfig config, ClassLoader loader) {
        this.name = name;
        this.config = config;
        this.pool = new BackendPool(name, ConfiguredStrategy.create(config, loader), config.pool().backends(),
                config.pool().panicThreshold(), Clock.systemUTC());
        this.admin = new Admin(config.admin(), config.forwarding().trustForwardedFor(), config.pool().strategy(), pool,
                drain::isShuttingDown, config.discovery().mode() == DiscoverySettings.Mode.DNS, config.server().shutdownTimeout());
        String stickyCookie = config.pool().stickyCookie();
        this.sticky = stickyCookie == null ? null : new StickySessions(stickyCookie, pool);
        this.capacity = new BackendCapacity(config.limits().maxConnectionsPerBackend());
        this.backendTls = BackendTls.clientFactory(config.backendTls());
        this.retries = new RetryPolicy(config.retry(), drain::inFlight, this::retryTarget, admin::retryRefused);
        this.attemptTimeoutNanos = retries.attemptTimeoutNanos(config.timeouts().response().toNanos());
        this.totalTimeoutMillis = config.timeouts().total().toMillis();
        this.requestIds = new RequestIds(config.forwarding().requestIdHeader());
        this.proxyHeaders = new ProxyHeaders(config.forwarding().preserveHost(), config.forwarding().trustForwardedFor(),
                requestIds.header());
    }

    /**
     * A client to the backends for the configured {@code backendProtocol}; {@link #configure} it before starting it.
     *
     * @param selectors selector threads of its connector
     */
    public HttpClient newBackendClient(int selectors) {
        return new BackendClient(selectors, config.backendProtocol().isHttp2());
    }

    /** Settings every client to the backends needs, whichever front end created it; call before starting it. */
    public void configure(HttpClient client) {
        // Redirects and cookies belong to the client; the proxy passes them through untouched.
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        client.setMaxConnectionsPerDestination(config.limits().maxConnectionsPerBackend());
        // route() enforces the per-backend limit itself (see pendingLimit); Jetty's queue is only the backstop.
        client.setMaxRequestsQueuedPerDestination(capacity.pendingLimit());
        client.setConnectTimeout(config.timeouts().connect().toMillis());
        client.setIdleTimeout(config.timeouts().idle().toMillis());
        // Discovery replaces backends as pods come and go: forget a vanished backend's destination once it is idle.
        client.setDestinationIdleTimeout(config.timeouts().idle().toMillis() * 2);
        client.setSslContextFactory(backendTls);
    }

    /** Starts discovery and health checks; probes go through the front end's (started) client. */
    public void start(HttpClient client) {
        discovery = Discovery.start(pool, config.discovery());
        health = HealthChecks.start(pool, client, config.health(), config.outliers());
        admin.start(client.getScheduler());
        List<Backend> members = pool.snapshot().members();
        LOG.info("[{}] balancing {} backends with {}: {}", name, members.size(), config.pool().strategy(), summary(members));
    }

    /**
     * Discovery from now on follows {@code settings} (a reload changed the name, port or interval resolved): the old
     * one stops, the new one resolves at once; the pool keeps its members until that resolution succeeds.
     */
    public synchronized void rediscover(DiscoverySettings settings) {
        discovery.close();
        discovery = Discovery.start(pool, settings);
    }

    /** The first few backends, enough for a log line that stays one line with hundreds of them. */
    private static String summary(List<?> backends) {
        int shown = Math.min(backends.size(), 5);
        String head = backends.subList(0, shown).toString();
        return backends.size() == shown ? head : head + " and " + (backends.size() - shown) + " more";
    }

    /**
     * Readiness turns 503 from now on, so load balancers stop sending new traffic, while requests still arriving
     * are served as usual. Idempotent.
     */
    public void beginShutdown() {
        if (drain.begin()) {
            LOG.info("[{}] shutting down: readiness reports 503 from now on; {} proxied requests in flight", name,
                    drain.inFlight());
        }
    }

    public boolean isShuttingDown() {
        return drain.isShuttingDown();
    }

    /** Stops discovery and probes and gives in-flight requests up to {@code shutdownTimeout}; then the client may stop. */
    public void stop() {
        beginShutdown();
        if (discovery != null) {
            discovery.close();
        }
        if (health != null) {
            health.close();
        }
        awaitInFlight(config.server().shutdownTimeout());
    }

    private void awaitInFlight(Duration timeout) {
        try {
            if (!drain.await(timeout)) {
                LOG.warn("[{}] {} proxied requests or tunnels still in flight after shutdownTimeout {} ms: cut off", name,
                        drain.inFlight(), timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String name() {
        return name;
    }

    public BalancerConfig config() {
        return config;
    }

    public BackendPool pool() {
        return pool;
    }

    public Admin admin() {
        return admin;
    }

    /** Which client headers go to the backends. */
    public ProxyHeaders proxyHeaders() {
        return proxyHeaders;
    }

    /** The header that carries request ids ({@code requestIdHeader}). */
    public String requestIdHeader() {
        return requestIds.header();
    }

    /**
     * The request's id: the client's own when it sent a sane one, else a new one. The front end asks once per
     * request, before {@link #route}, and carries it to the backend, the client, the access log and any error body.
     */
    public String requestId(ClientRequest request) {
        return requestIds.of(request.header(requestIds.header()));
    }

    /**
     * Decides where a client request goes: the backend its sticky cookie names, else the strategy's pick; or a
     * refusal (405, 400, 413, 503) with the reason for the JSON body.
     *
     * @param requestId        the request's {@link #requestId}
     * @param contentLength    the declared body length, -1 when unknown (over HTTP/2, 0 when the stream ended with the headers)
     * @param namesAnotherHost the request target names a host other than the Host header (see {@link ProxyHeaders#namesAnotherHost})
     */
    public Route route(ClientRequest request, String requestId, long contentLength, boolean namesAnotherHost) {
        if ("CONNECT".equalsIgnoreCase(request.method())) {
            return new Route.Refuse(405, "CONNECT is not supported: this is not a forward proxy");
        }
        if (namesAnotherHost) {
            return new Route.Refuse(400, "request target names another host: this is not a forward proxy");
        }
        if (overBodyLimit(contentLength)) {
            return new Route.Refuse(413, bodyTooLarge().getMessage());
        }
        PoolSnapshot snapshot = pool.snapshot();
        Backend backend = sticky == null ? null : sticky.pinned(request, snapshot);
        if (backend == null) {
            backend = snapshot.pick(request);
        }
        if (backend == null) {
            return new Route.Refuse(503, NO_HEALTHY_BACKEND);
        }
        if (capacity.full(backend)) {
            Backend full = backend;
            backend = capacity.firstWithRoom(snapshot.available(), null);
            if (backend == null) {
                return new Route.Refuse(503, capacity.atLimit(full));
            }
        }
        // HTTP/2 and 3 have no Transfer-Encoding: a body of unknown length is announced by nothing but the stream
        // staying open, so there an unknown length counts as a body (never retried after it was read).
        boolean hasBody = contentLength > 0 || request.header("Transfer-Encoding") != null
                || contentLength < 0 && !request.protocol().startsWith("HTTP/1");
        return new Route.Forward(new Exchange(request, requestId, hasBody, backend));
    }

    /** Whether a body of this many bytes (declared, or received so far) is over {@code maxRequestBodySize}. */
    public boolean overBodyLimit(long bytes) {
        return config.limits().bodyTooLarge(bytes);
    }

    /** The failure a front end records when the client's body went over {@code maxRequestBodySize}. */
    public BodyTooLarge bodyTooLarge() {
        return new BodyTooLarge(config.limits().maxRequestBodySize());
    }

    /**
     * An attempt of the exchange is about to be sent to its backend as this request (made by a {@link BackendClient}):
     * over HTTP/2 when backends speak it, except a WebSocket upgrade.
     */
    public void attemptStarted(Exchange exchange, Request request) {
        if (request.getHeaders().contains(HttpHeader.UPGRADE)) {
            request.version(HttpVersion.HTTP_1_1);
        }
        BackendRequest.awaitResponse(request, exchange, attemptTimeoutNanos);
        if (totalTimeoutMillis > 0) {
            request.timeout(totalTimeoutMillis, TimeUnit.MILLISECONDS);
        }
        if (exchange.retries() == 0) {
            drain.started();
        }
        pool.attemptStarted(exchange.backend());
    }

    /**
     * The backend's status line arrived, before anything of the response reached the client: pass the answer on
     * (null), or, for a status in {@code retryOn}, leave it and retry elsewhere. The front end then abandons the
     * attempt ({@link AbandonedAttempt}) and sends the request again after the retry's back-off.
     */
    public Recovery.Retry responseBegan(Exchange exchange, int status) {
        exchange.responseBegan(status);
        Backend next = retries.afterAnswer(exchange, status);
        if (next == null) {
            return null;
        }
        // An answer, not a failure: passive health does not count it (ejectOn5xx counts 5xx answers on its own).
        pool.attemptEnded(exchange.backend(), status, exchange.attemptNanos(), null);
        retries.attemptEnded(exchange);
        exchange.attempt(next);
        return new Recovery.Retry(next, retries.backoffNanos(exchange, false));
    }

    /** The backend's whole response reached the client. */
    public void attemptSucceeded(Exchange exchange) {
        pool.attemptEnded(exchange.backend(), exchange.responseStatus(), exchange.attemptNanos(), null);
        retries.attemptEnded(exchange);
    }

    /**
     * The current attempt failed: the one question a front end asks after a failure. Only the backend's own failures
     * count against it — not a client that left or sent a broken body, nor our own limits. The answer: retry on
     * another backend when that is safe, else an error to answer, or an abort once the response was committed.
     *
     * @param committed whether response bytes already went to the client (or the client can take none at all)
     */
    public Recovery attemptFailed(Exchange exchange, Throwable failure, boolean committed) {
        Throwable clientFailure = exchange.clientFailure();
        boolean ourLimit = failure instanceof RejectedExecutionException;
        exchange.failure(clientFailure != null ? clientFailure : failure);
        pool.attemptEnded(exchange.backend(), exchange.responseStatus(), exchange.attemptNanos(),
                clientFailure == null && !ourLimit ? failure : null);
        retries.attemptEnded(exchange);
        if (committed) {
            return ABORT;
        }
        if (clientFailure != null) {
            // The backend only failed because we cut its request short: answer for what really happened.
            return reply(exchange, clientFailure instanceof BodyTooLarge ? 413 : 400);
        }
        Backend next = retries.afterFailure(exchange, failure);
        if (next != null) {
            boolean nothingSent = !exchange.wasSent() || Failures.isConnectFailure(failure);
            exchange.attempt(next);
            return new Recovery.Retry(next, retries.backoffNanos(exchange, nothingSent));
        }
        return reply(exchange, failure instanceof TimeoutException ? 504 : ourLimit ? 503 : 502);
    }

    /**
     * The backend answered the exchange's WebSocket handshake with 101: the client and backend connections become
     * one byte tunnel. Until {@link #tunnelClosed} it stays in flight for its backend (least-connections sees it)
     * and holds up a graceful stop (at most {@code shutdownTimeout}, after which the front end closes it). The
     * front end reports the handshake exchange itself as ended as usual.
     */
    public void tunnelOpened(Exchange exchange) {
        exchange.tunnelled();
        drain.started();
        admin.tunnelOpened();
    }

    /** {@code bytes} more crossed a tunnel, from the client to the backend when {@code upstream}, else back. */
    public void tunnelBytes(boolean upstream, int bytes) {
        admin.tunnelBytes(upstream, bytes);
    }

    /**
     * The tunnel closed, from either side: the backend's attempt ends, counted as the 101 it answered with the
     * handshake's latency (a tunnel's lifetime says nothing of the backend's speed). Call once per tunnel.
     */
    public void tunnelClosed(Exchange exchange) {
        pool.attemptEnded(exchange.backend(), 101, exchange.handshakeNanos(), null);
        retries.attemptEnded(exchange);
        admin.tunnelClosed();
        drain.ended();
    }

    /**
     * The exchange is over, whatever its outcome: it no longer holds up a graceful stop. Counted once, however
     * many ways the front end learns of the end; returns true that first time only.
     */
    public boolean exchangeEnded(Exchange exchange) {
        if (!exchange.end()) {
            return false;
        }
        drain.ended();
        return true;
    }

    /**
     * A client request was answered, by a backend or by the balancer itself: telemetry and the access log learn it.
     *
     * @param requestId     the request's {@link #requestId}
     * @param exchange      null when no backend was tried
     * @param contentLength the Content-Length of what the client got, -1 when unknown
     */
    public void requestEnded(ClientRequest request, String requestId, int status, Exchange exchange, long contentLength,
                             long durationNanos) {
        if (exchange == null) {
            admin.requestEnded(request, requestId, status, null, Math.max(0, contentLength), durationNanos, 0, false);
        } else {
            admin.requestEnded(request, requestId, status, exchange.backend().id(), exchange.bytesSent(contentLength),
                    durationNanos, exchange.retries(), exchange.clientAborted());
        }
    }

    /**
     * With sticky sessions, the {@code Set-Cookie} value naming the backend that answered (after any retry); null
     * without them, or when the request already named it.
     *
     * @param path the cookie's path: where the balancer is mounted
     */
    public String stickyCookie(Exchange exchange, String path, boolean secure) {
        return sticky == null ? null : sticky.setCookie(exchange.request(), exchange.backend(), path, secure);
    }

    /**
     * Where a retry goes: an available backend not yet tried and under its pending limit. Not through the strategy:
     * its picker would advance its own rotation and line the next request up on the backend that just failed.
     */
    private Backend retryTarget(Exchange exchange, String why) {
        Backend next = capacity.firstWithRoom(pool.snapshot().available(), exchange);
        if (next != null) {
            LOG.debug("[{}] retrying {} on {}: {} {}", name, exchange.request().method(), next, exchange.backend(), why);
        }
        return next;
    }

    /** An error Balancer answers itself for the exchange, with the message its JSON body carries. */
    public Recovery.Reply reply(Exchange exchange, int status) {
        String backend = "backend " + exchange.backend().id();
        String message = switch (status) {
            case 504 -> backend + " did not answer in time (responseTimeout " + config.timeouts().response().toMillis()
                    + " ms, idleTimeout " + config.timeouts().idle().toMillis() + " ms)";
            case 503 -> capacity.atLimit(exchange.backend());
            case 413 -> bodyTooLarge().getMessage();
            case 400 -> "malformed request body: " + Failures.describe(exchange.failure());
            case 502 -> backend + " failed: " + Failures.describe(exchange.failure());
            default -> "request failed with status " + status;
        };
        return new Recovery.Reply(status, message);
    }
}
