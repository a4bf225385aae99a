package dev.balancer;

import dev.balancer.admin.Admin;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.Failures;
import dev.balancer.backend.PoolSnapshot;
import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigSources;
import dev.balancer.discovery.Discovery;
import dev.balancer.health.HealthChecks;
import dev.balancer.strategy.Strategy;
import dev.balancer.strategy.StrategyRegistry;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reverse proxy that balances requests over a pool of backends. Per request it asks the configured strategy for a
 * backend from the pool's current immutable snapshot, forwards to that backend's base URL + the request's path and
 * query, and records the outcome. Bodies stream both ways ({@link AsyncProxyServlet}); a request that failed before
 * anything could have reached the backend is retried on another one.
 *
 * <p>Configured by init-params, context-params, {@code -Dbalancer.KEY} or {@code BALANCER_KEY} (first wins); see
 * {@link dev.balancer.config.ConfigKey} for every key.
 */
public class BalancingProxyServlet extends AsyncProxyServlet {
    private static final Logger LOG = LoggerFactory.getLogger(BalancingProxyServlet.class);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    /** Request headers never copied to the backend: hop-by-hop, ours to set, or ones we handle ourselves. */
    private static final Set<String> NOT_FORWARDED = caseInsensitive("connection", "keep-alive", "proxy-authorization",
            "proxy-authenticate", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect",
            "x-forwarded-proto", "x-forwarded-host", "forwarded");
    private static final String RETRY_AFTER_SECONDS = "1";


    private BalancerConfig config;
    private BackendPool pool;
    private StickySessions sticky;
    private String displayName;
    private HealthChecks health;
    private Admin admin;
    /** Null when nothing listens for finished requests (admin and access log both off). */
    private RequestEnd requestEnd;
    private Discovery discovery;
    private final Drain drain = new Drain();

    /** For servlet containers: configuration comes from init-params and the other sources. */
    public BalancingProxyServlet() {}

    /** For embedding: an already validated configuration; init-params are then ignored. */
    public BalancingProxyServlet(BalancerConfig config) {
        this.config = config;
    }

    @Override
    public void init() throws ServletException {
        ServletConfig servletConfig = getServletConfig();
        displayName = servletConfig.getServletName();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Strategy strategy;
        try {
            if (config == null) {
                config = BalancerConfig.from(sources(servletConfig));
            }
            strategy = StrategyRegistry.load(loader).create(config, loader);
        } catch (ConfigException e) {
            LOG.error("[{}] not started: {}", displayName, e.getMessage());
            // A bare UnavailableException only disables the servlet (Jetty then starts the context anyway and
            // answers 404); a ServletException fails the deployment in Jetty, and in Tomcat with
            // failCtxIfServletStartFails (set in the WAR's META-INF/context.xml). The cause still says "permanent".
            throw new ServletException(e.getMessage(), new UnavailableException(e.getMessage()));
        }
        pool = new BackendPool(displayName, strategy, config.backends(), Clock.systemUTC());
        admin = new Admin(config, pool, this::isShuttingDown);
        requestEnd = admin.tracksRequests() ? new RequestEnd(admin) : null;
        sticky = config.stickyCookie() == null ? null : new StickySessions(config.stickyCookie(), pool);
        super.init();
        discovery = Discovery.start(pool, config);
        health = HealthChecks.start(pool, getHttpClient(), config);
        LOG.info("[{}] balancing {} backends with {}: {}", displayName, pool.snapshot().members().size(), config.strategy(),
                summary(pool.snapshot().members()));
    }

    /** The first few backends, enough for a log line that stays one line with hundreds of them. */
    private static String summary(java.util.List<?> backends) {
        int shown = Math.min(backends.size(), 5);
        String head = backends.subList(0, shown).toString();
        return backends.size() == shown ? head : head + " and " + (backends.size() - shown) + " more";
    }

    /**
     * Starts a graceful stop: from now on readiness ({@code /_balancer/health}) must answer 503, so load balancers
     * stop sending new traffic, while requests still arriving are served as usual. Idempotent. The runnable jar calls
     * it on SIGTERM, {@link #destroy()} calls it in a servlet container.
     */
    public void beginShutdown() {
        if (drain.begin()) {
            LOG.info("[{}] shutting down: readiness reports 503 from now on; {} proxied requests in flight", displayName,
                    drain.inFlight());
        }
    }

    /** True once {@link #beginShutdown()} was called: readiness must report 503 even with healthy backends. */
    public boolean isShuttingDown() {
        return drain.isShuttingDown();
    }

    private static ConfigSources sources(ServletConfig servletConfig) {
        return new ConfigSources()
                .add("init-param", parameters(servletConfig.getInitParameterNames(), servletConfig::getInitParameter), true)
                .add("context-param", parameters(servletConfig.getServletContext().getInitParameterNames(),
                        servletConfig.getServletContext()::getInitParameter), false)
                .addSystemProperties(System.getProperties())
                .addEnvironment(System.getenv());
    }

    private static Map<String, String> parameters(Enumeration<String> names, java.util.function.UnaryOperator<String> value) {
        Map<String, String> map = new HashMap<>();
        for (String name : Collections.list(names)) {
            map.put(name, value.apply(name));
        }
        return map;
    }

    /** The pool this servlet balances over: its snapshot, members and states. */
    public BackendPool pool() {
        return pool;
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        HttpClient client = newHttpClient();
        // Redirects and cookies belong to the client; the proxy passes them through untouched.
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        // Inside Jetty, share the server's pool; elsewhere (Tomcat) bring our own, stopped with the client.
        Executor executor = (Executor) getServletContext().getAttribute("org.eclipse.jetty.server.Executor");
        if (executor == null) {
            QueuedThreadPool threads = new QueuedThreadPool(200, 8);
            threads.setName("balancer-" + displayName);
            executor = threads;
        }
        client.setExecutor(executor);
        client.setMaxConnectionsPerDestination(config.maxConnectionsPerBackend());
        // The servlet enforces the per-backend limit itself (see pendingLimit); Jetty's queue is only the backstop.
        client.setMaxRequestsQueuedPerDestination(2 * config.maxConnectionsPerBackend());
        client.setConnectTimeout(config.connectTimeout().toMillis());
        client.setIdleTimeout(config.idleTimeout().toMillis());
        // Discovery replaces backends as pods come and go: forget a vanished backend's destination once it is idle.
        client.setDestinationIdleTimeout(config.idleTimeout().toMillis() * 2);
        setTimeout(config.timeout().toMillis());
        try {
            client.start();
        } catch (Exception e) {
            throw new ServletException(e);
        }
        // Bodies pass through as they are (no decoding), and 1xx/auth/redirect handling is the client's business.
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
        return client;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (admin.handle(request, response)) {
            return;
        }
        if (requestEnd == null) {
            proxy(request, response);
            return;
        }
        long start = System.nanoTime();
        try {
            proxy(request, response);
        } finally {
            requestEnd.dispatched(request, response, start);
        }
    }

    private void proxy(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if ("CONNECT".equalsIgnoreCase(request.getMethod())) {
            ErrorResponses.send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "CONNECT is not supported: this is not a forward proxy");
            return;
        }
        if (namesAnotherHost(request)) {
            ErrorResponses.send(response, HttpServletResponse.SC_BAD_REQUEST, "request target names another host: this is not a forward proxy");
            return;
        }
        long maxBody = config.maxRequestBodySize();
        if (maxBody != BalancerConfig.UNLIMITED && request.getContentLengthLong() > maxBody) {
            response.setHeader("Connection", "close");
            ErrorResponses.send(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, bodyTooLarge(maxBody));
            return;
        }
        PoolSnapshot snapshot = pool.snapshot();
        Backend backend = sticky == null ? null : sticky.pinned(request, snapshot);
        if (backend == null) {
            backend = snapshot.pick(request);
        }
        if (backend == null) {
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            ErrorResponses.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, ErrorResponses.NO_HEALTHY_BACKEND);
            return;
        }
        if (backend.inFlight() >= pendingLimit()) {
            Backend full = backend;
            backend = snapshot.available().stream().filter(b -> b.inFlight() < pendingLimit()).findFirst().orElse(null);
            if (backend == null) {
                response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
                ErrorResponses.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, atLimit(full));
                return;
            }
        }
        request.setAttribute(Exchange.ATTRIBUTE, new Exchange(backend));
        super.service(request, response);
    }

    /**
     * Requests one backend may have at once: {@code maxConnectionsPerBackend} on connections and as many again
     * waiting for one (Envoy's max connections plus max pending). Beyond that a request is answered 503 at once
     * instead of queueing without bound.
     */
    private int pendingLimit() {
        return 2 * config.maxConnectionsPerBackend();
    }

    private String atLimit(Backend backend) {
        return "backend " + backend.id() + " is at its limit of " + config.maxConnectionsPerBackend()
                + " connections and as many queued requests";
    }

    /**
     * An absolute-form request target ({@code GET http://elsewhere/ HTTP/1.1}) makes the container report that
     * authority as the server name; a Host header that disagrees with it means the client asked for another host.
     */
    private static boolean namesAnotherHost(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null) {
            return false;
        }
        String serverName = request.getServerName();
        String hostName = host;
        int port = -1;
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            hostName = host.substring(0, colon);
            try {
                port = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                return true;
            }
        }
        if (port < 0) {
            port = request.isSecure() ? 443 : 80;
        }
        return !stripBrackets(hostName).equalsIgnoreCase(stripBrackets(serverName)) || port != request.getServerPort();
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    protected String rewriteTarget(HttpServletRequest request) {
        return target(exchange(request).backend(), request);
    }

    private String target(Backend backend, HttpServletRequest request) {
        // The raw (still percent-encoded) URI, minus our context path and, with stripPrefix, the servlet's mapping.
        String uri = request.getRequestURI();
        int cut = request.getContextPath().length();
        if (config.stripPrefix()) {
            cut += request.getServletPath().length();
        }
        String path = uri.substring(Math.min(cut, uri.length()));
        StringBuilder target = new StringBuilder(backend.baseUrl().length() + path.length() + 32).append(backend.baseUrl());
        target.append(path.isEmpty() || path.charAt(0) != '/' ? "/" : "").append(path);
        String query = request.getQueryString();
        if (query != null) {
            target.append('?').append(query);
        }
        return target.toString();
    }

    /** The proxy answers 100-continue itself (the container does, on the first read); backends never see Expect. */
    @Override
    protected boolean expects100Continue(HttpServletRequest request) {
        return false;
    }

    @Override
    protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        Set<String> connectionListed = connectionHeaders(clientRequest);
        boolean preserveHost = config.preserveHost();
        boolean trustForwarded = config.trustForwardedFor();
        proxyRequest.headers(headers -> {
            headers.clear();
            for (Enumeration<String> names = clientRequest.getHeaderNames(); names.hasMoreElements(); ) {
                String name = names.nextElement();
                if (NOT_FORWARDED.contains(name) || connectionListed.contains(name)
                        || (!preserveHost && name.equalsIgnoreCase("host"))
                        || (!trustForwarded && name.equalsIgnoreCase("x-forwarded-for"))) {
                    continue;
                }
                for (Enumeration<String> values = clientRequest.getHeaders(name); values.hasMoreElements(); ) {
                    String value = values.nextElement();
                    if (value != null) {
                        headers.add(name, value);
                    }
                }
            }
        });
    }

    private static Set<String> connectionHeaders(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders("Connection");
        if (values == null || !values.hasMoreElements()) {
            return Set.of();
        }
        Set<String> names = caseInsensitive();
        while (values.hasMoreElements()) {
            for (String name : values.nextElement().split(",")) {
                names.add(name.trim());
            }
        }
        return names;
    }

    /** Header names compare case-insensitively; a sorted set does that without lower-casing (allocating) each name. */
    private static Set<String> caseInsensitive(String... names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return set;
    }

    /** X-Forwarded-For/-Proto/-Host, as nginx and HAProxy set them; no Via, which neither adds by default either. */
    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        String clientIp = clientRequest.getRemoteAddr();
        String host = clientRequest.getHeader("Host");
        String proto = clientRequest.getScheme();
        proxyRequest.headers(headers -> {
            String forwardedFor = headers.get(HttpHeader.X_FORWARDED_FOR);
            headers.put(HttpHeader.X_FORWARDED_FOR, forwardedFor == null ? clientIp : forwardedFor + ", " + clientIp);
            headers.put(HttpHeader.X_FORWARDED_PROTO, proto);
            if (host != null) {
                headers.put(HttpHeader.X_FORWARDED_HOST, host);
            }
        });
    }

    @Override
    protected Request.Content proxyRequestContent(HttpServletRequest request, HttpServletResponse response, Request proxyRequest)
            throws IOException {
        // Read the client's body only once a backend connection is sending this request: if connecting fails,
        // not a byte has been consumed, and the request can still go to another backend.
        AsyncRequestContent content = new AsyncRequestContent();
        Exchange exchange = exchange(request);
        proxyRequest.onRequestBegin(begun -> {
            exchange.requestBegan = true;
            try {
                request.getInputStream().setReadListener(newReadListener(request, response, proxyRequest, content));
            } catch (IOException | RuntimeException e) {
                content.fail(e);
            }
        });
        return content;
    }

    /**
     * Reads the client's body as it streams: a broken body (bad chunk, client gone) is the client's fault, not the
     * backend's, and a body over {@code maxRequestBodySize} is stopped there.
     */
    @Override
    protected ReadListener newReadListener(HttpServletRequest request, HttpServletResponse response, Request proxyRequest,
                                           AsyncRequestContent content) {
        long maxBody = config.maxRequestBodySize();
        Exchange exchange = exchange(request);
        return new StreamReader(request, response, proxyRequest, content) {
            private long received;
            private volatile boolean backendFailed;

            @Override
            protected void onRequestContent(HttpServletRequest request, Request proxyRequest, AsyncRequestContent content,
                                            byte[] buffer, int offset, int length, Callback callback) {
                received += length;
                if (maxBody != BalancerConfig.UNLIMITED && received > maxBody) {
                    callback.failed(new BodyTooLargeException(bodyTooLarge(maxBody)));
                    return;
                }
                // A write that fails means the backend side failed (it died mid-upload): not the client's fault.
                super.onRequestContent(request, proxyRequest, content, buffer, offset, length,
                        Callback.from(callback::succeeded, failure -> {
                            backendFailed = true;
                            callback.failed(failure);
                        }));
            }

            @Override
            public void onError(Throwable failure) {
                if (!backendFailed) {
                    exchange.clientFailure = failure;
                }
                super.onError(failure);
            }
        };
    }

    private static String bodyTooLarge(long maxBody) {
        return "request body larger than maxRequestBodySize (" + maxBody + " bytes)";
    }

    /** The client's body went over {@code maxRequestBodySize}: its fault, answered 413. */
    private static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(String message) {
            super(message);
        }
    }

    @Override
    protected int proxyResponseStatus(Throwable failure) {
        return failure instanceof RejectedExecutionException
                ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : super.proxyResponseStatus(failure);
    }

    /** Hop-by-hop headers of the backend's response, including those its Connection header names, stay here. */
    @Override
    protected HttpField filterServerResponseHeader(HttpServletRequest clientRequest, Response serverResponse, HttpField field) {
        HttpFields headers = serverResponse.getHeaders();
        if (headers.contains(HttpHeader.CONNECTION)
                && headers.getCSV(HttpHeader.CONNECTION, false).stream().anyMatch(field.getLowerCaseName()::equalsIgnoreCase)) {
            return null;
        }
        return field;
    }

    @Override
    protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest) {
        Exchange exchange = exchange(clientRequest);
        if (!hasContent(clientRequest)) {
            proxyRequest.onRequestBegin(begun -> exchange.requestBegan = true);
        }
        if (exchange.retries() == 0) {
            drain.started();
            clientRequest.getAsyncContext().addListener(drain.tracker);
        }
        pool.attemptStarted(exchange.backend());
        super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
    }

    @Override
    protected Response.Listener newProxyResponseListener(HttpServletRequest request, HttpServletResponse response) {
        Exchange exchange = exchange(request);
        return new ProxyResponseListener(request, response) {
            @Override
            public void onBegin(Response proxyResponse) {
                exchange.responseBegan = true;
                super.onBegin(proxyResponse);
            }
        };
    }

    /** With sticky sessions, the response names the backend that actually answered (after any retry). */
    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
        super.onServerResponseHeaders(clientRequest, proxyResponse, serverResponse);
        if (sticky != null) {
            sticky.onResponse(clientRequest, proxyResponse, exchange(clientRequest).backend());
        }
    }

    @Override
    protected void onResponseContent(HttpServletRequest request, HttpServletResponse response, Response proxyResponse,
                                     byte[] buffer, int offset, int length, Callback callback) {
        exchange(request).responseBytes += length;
        super.onResponseContent(request, response, proxyResponse, buffer, offset, length, callback);
    }

    @Override
    protected void onProxyResponseSuccess(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
        Exchange exchange = exchange(clientRequest);
        pool.attemptEnded(exchange.backend(), serverResponse.getStatus(), exchange.attemptNanos(), null);
        super.onProxyResponseSuccess(clientRequest, proxyResponse, serverResponse);
    }

    /** The client went away or its body failed: not the backend's fault, so passive health must not count it. */
    @Override
    protected void onClientRequestFailure(HttpServletRequest clientRequest, Request proxyRequest,
                                          HttpServletResponse proxyResponse, Throwable failure) {
        Exchange exchange = exchange(clientRequest);
        if (exchange != null) {
            exchange.clientFailure = failure;
        }
        super.onClientRequestFailure(clientRequest, proxyRequest, proxyResponse, failure);
    }

    @Override
    protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          Response serverResponse, Throwable failure) {
        Exchange exchange = exchange(clientRequest);
        Backend failed = exchange.backend();
        // Only the backend's own failures count against it: not a client that left, nor our connection limit.
        Throwable clientFailure = exchange.clientFailure;
        boolean backendsFault = clientFailure == null && !(failure instanceof RejectedExecutionException);
        pool.attemptEnded(failed, exchange.responseBegan ? serverResponse.getStatus() : 0, exchange.attemptNanos(),
                backendsFault ? failure : null);
        if (clientFailure != null) {
            // The backend only failed because we cut its request short: answer for what really happened.
            exchange.failure = clientFailure;
            sendProxyResponseError(clientRequest, proxyResponse, clientFailure instanceof BodyTooLargeException
                    ? HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE : HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        exchange.failure = failure;
        if (!proxyResponse.isCommitted() && clientFailure == null && canRetry(clientRequest, exchange, failure)) {
            Backend next = pickUntried(exchange);
            if (next != null) {
                LOG.debug("[{}] retrying {} {} on {} after {} failed: {}", displayName, clientRequest.getMethod(),
                        clientRequest.getRequestURI(), next, failed, failure.toString());
                exchange.attempt(next);
                resend(clientRequest, proxyResponse, next);
                return;
            }
        }
        super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
    }

    /**
     * Safe to send again: nothing reached the backend (connect failed, or the request never began sending), or an
     * idempotent request without a body whose connection closed before any response byte.
     */
    private boolean canRetry(HttpServletRequest request, Exchange exchange, Throwable failure) {
        if (exchange.retries() >= config.retries() || exchange.responseBegan || failure instanceof TimeoutException) {
            return false;
        }
        if (!exchange.requestBegan || Failures.isConnectFailure(failure)) {
            return true;
        }
        return IDEMPOTENT.contains(request.getMethod()) && !hasContent(request);
    }

    /**
     * Another available backend for a retry, not asking the strategy: its picker would advance its own rotation and
     * line the next request up on the backend that just failed.
     */
    private Backend pickUntried(Exchange exchange) {
        List<Backend> available = pool.snapshot().available();
        int n = available.size();
        int start = n == 0 ? 0 : ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Backend candidate = available.get((start + i) % n);
            if (!exchange.tried(candidate) && candidate.inFlight() < pendingLimit()) {
                return candidate;
            }
        }
        return null;
    }

    private void resend(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Backend backend) {
        Request proxyRequest = newProxyRequest(clientRequest, target(backend, clientRequest));
        copyRequestHeaders(clientRequest, proxyRequest);
        addProxyHeaders(clientRequest, proxyRequest);
        proxyRequest.timeout(getTimeout(), TimeUnit.MILLISECONDS);
        if (hasContent(clientRequest)) {
            try {
                proxyRequest.body(proxyRequestContent(clientRequest, proxyResponse, proxyRequest));
            } catch (IOException e) {
                onClientRequestFailure(clientRequest, proxyRequest, proxyResponse, e);
                return;
            }
        }
        sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
    }

    /** Errors we answer ourselves get a JSON body; once the backend's response is committed, the connection is cut. */
    @Override
    protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, int status) {
        if (proxyResponse.isCommitted()) {
            super.sendProxyResponseError(clientRequest, proxyResponse, status);
            return;
        }
        try {
            ErrorResponses.send(proxyResponse, status, errorMessage(clientRequest, status));
        } catch (IOException | RuntimeException e) {
            LOG.debug("[{}] could not send the {} error", displayName, status, e);
        } finally {
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
    }

    private String errorMessage(HttpServletRequest request, int status) {
        Exchange exchange = (Exchange) request.getAttribute(Exchange.ATTRIBUTE);
        String backend = exchange == null ? "backend" : "backend " + exchange.backend().id();
        Throwable failure = exchange == null ? null : exchange.failure;
        return switch (status) {
            case HttpServletResponse.SC_GATEWAY_TIMEOUT -> backend + " did not answer within " + config.timeout().toMillis() + " ms";
            case HttpServletResponse.SC_BAD_GATEWAY -> backend + " failed: " + Failures.describe(failure);
            case HttpServletResponse.SC_SERVICE_UNAVAILABLE -> atLimit(exchange.backend());
            case HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE -> bodyTooLarge(config.maxRequestBodySize());
            case HttpServletResponse.SC_BAD_REQUEST -> "malformed request body: " + Failures.describe(failure);
            default -> "request failed with status " + status;
        };
    }

    private static Exchange exchange(HttpServletRequest request) {
        return (Exchange) request.getAttribute(Exchange.ATTRIBUTE);
    }

    /**
     * The container stops the servlet: readiness turns 503, and proxied requests still in flight get up to
     * {@code shutdownTimeout} to finish before the HTTP client, and with it every backend connection, stops.
     */
    @Override
    public void destroy() {
        beginShutdown();
        if (discovery != null) {
            discovery.close();
        }
        if (health != null) {
            health.close();
        }
        if (config != null) {
            awaitInFlight(config.shutdownTimeout());
        }
        super.destroy();
        LOG.info("[{}] stopped", displayName);
    }

    private void awaitInFlight(Duration timeout) {
        try {
            if (!drain.await(timeout)) {
                LOG.warn("[{}] {} proxied requests still in flight after shutdownTimeout {} ms: cut off", displayName,
                        drain.inFlight(), timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
