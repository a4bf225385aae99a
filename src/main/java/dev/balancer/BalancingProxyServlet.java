package dev.balancer;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigSources;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet front end (the WAR's) of the {@link Balancer}: per request it asks the balancer where to go, forwards
 * to that backend's base URL + the request's path and query, and reports the outcome. Bodies stream both ways
 * ({@link AsyncProxyServlet}); a request that failed before anything could have reached the backend is retried on
 * another one. The runnable jar runs the same balancer through {@link BalancingProxyHandler} instead.
 *
 * <p>Configured by init-params, context-params, {@code -Dbalancer.KEY} or {@code BALANCER_KEY} (first wins); see
 * {@link dev.balancer.config.ConfigKey} for every key.
 */
public class BalancingProxyServlet extends AsyncProxyServlet {
    private static final Logger LOG = LoggerFactory.getLogger(BalancingProxyServlet.class);

    private BalancerConfig config;
    private Balancer balancer;
    /** Null when nothing listens for finished requests (admin and access log both off). */
    private RequestEnd requestEnd;
    /** Tells the balancer when a proxied request is over, whatever the outcome. */
    private final AsyncCompletion exchangeEnd = event -> end(exchange((HttpServletRequest) event.getSuppliedRequest()));

    /** For servlet containers: configuration comes from init-params and the other sources. */
    public BalancingProxyServlet() {}

    /** For embedding: an already validated configuration; init-params are then ignored. */
    public BalancingProxyServlet(BalancerConfig config) {
        this.config = config;
    }

    @Override
    public void init() throws ServletException {
        ServletConfig servletConfig = getServletConfig();
        String displayName = servletConfig.getServletName();
        try {
            if (config == null) {
                config = BalancerConfig.from(sources(servletConfig));
            }
            balancer = new Balancer(displayName, config, Thread.currentThread().getContextClassLoader());
        } catch (ConfigException e) {
            LOG.error("[{}] not started: {}", displayName, e.getMessage());
            // A bare UnavailableException only disables the servlet (Jetty then starts the context anyway and
            // answers 404); a ServletException fails the deployment in Jetty, and in Tomcat with
            // failCtxIfServletStartFails (set in the WAR's META-INF/context.xml). The cause still says "permanent".
            throw new ServletException(e.getMessage(), new UnavailableException(e.getMessage()));
        }
        requestEnd = balancer.admin().tracksRequests() ? new RequestEnd(balancer.admin()) : null;
        super.init();
        balancer.start(getHttpClient());
    }

    /**
     * Starts a graceful stop: from now on readiness ({@code /_balancer/health}) must answer 503, so load balancers
     * stop sending new traffic, while requests still arriving are served as usual. Idempotent. The runnable jar calls
     * it on SIGTERM, {@link #destroy()} calls it in a servlet container.
     */
    public void beginShutdown() {
        balancer.beginShutdown();
    }

    /** True once {@link #beginShutdown()} was called: readiness must report 503 even with healthy backends. */
    public boolean isShuttingDown() {
        return balancer.isShuttingDown();
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
        return balancer.pool();
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        HttpClient client = newHttpClient();
        balancer.configure(client);
        // Inside Jetty, share the server's pool; elsewhere (Tomcat) bring our own, stopped with the client.
        Executor executor = (Executor) getServletContext().getAttribute("org.eclipse.jetty.server.Executor");
        if (executor == null) {
            OwnThreadPool threads = new OwnThreadPool();
            threads.setName("balancer-" + balancer.name());
            executor = threads;
        }
        client.setExecutor(executor);
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
        if (balancer.admin().handle(request, response)) {
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
        Balancer.Route route = balancer.route(new ServletClientRequest(request), request.getContentLengthLong(),
                Balancer.namesAnotherHost(request.getHeader("Host"), request.getServerName(), request.getServerPort(),
                        request.isSecure()));
        if (route.exchange() == null) {
            ErrorResponses.send(response, route.status(), route.refusal());
            return;
        }
        request.setAttribute(Exchange.ATTRIBUTE, route.exchange());
        super.service(request, response);
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
        Set<String> connectionListed = ProxyHeaders.connectionListed(clientRequest.getHeaders("Connection"));
        proxyRequest.headers(headers -> {
            headers.clear();
            for (Enumeration<String> names = clientRequest.getHeaderNames(); names.hasMoreElements(); ) {
                String name = names.nextElement();
                if (!balancer.proxyHeaders().forwards(name, connectionListed)) {
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

    /** X-Forwarded-For/-Proto/-Host, as nginx and HAProxy set them; no Via, which neither adds by default either. */
    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        String clientIp = clientRequest.getRemoteAddr();
        String host = clientRequest.getHeader("Host");
        String proto = clientRequest.getScheme();
        proxyRequest.headers(headers -> ProxyHeaders.addForwarded(headers, clientIp, proto, host));
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
        Exchange exchange = exchange(request);
        return new StreamReader(request, response, proxyRequest, content) {
            private long received;
            private volatile boolean backendFailed;

            @Override
            protected void onRequestContent(HttpServletRequest request, Request proxyRequest, AsyncRequestContent content,
                                            byte[] buffer, int offset, int length, Callback callback) {
                received += length;
                if (balancer.overBodyLimit(received)) {
                    callback.failed(new BodyTooLargeException(balancer.bodyTooLarge()));
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
        return ProxyHeaders.hopByHop(field, serverResponse.getHeaders()) ? null : field;
    }

    @Override
    protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest) {
        Exchange exchange = exchange(clientRequest);
        if (!hasContent(clientRequest)) {
            proxyRequest.onRequestBegin(begun -> exchange.requestBegan = true);
        }
        if (exchange.retries() == 0) {
            clientRequest.getAsyncContext().addListener(exchangeEnd);
        }
        balancer.attemptStarted(exchange);
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
        StickySessions sticky = balancer.sticky();
        if (sticky != null) {
            String path = clientRequest.getContextPath().isEmpty() ? "/" : clientRequest.getContextPath();
            String cookie = sticky.setCookie(new ServletClientRequest(clientRequest), exchange(clientRequest).backend(),
                    path, clientRequest.isSecure());
            if (cookie != null) {
                proxyResponse.addHeader("Set-Cookie", cookie);
            }
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
        balancer.attemptSucceeded(exchange(clientRequest), serverResponse.getStatus());
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
        Throwable clientFailure = exchange.clientFailure;
        balancer.attemptFailed(exchange, serverResponse.getStatus(), failure, !(failure instanceof RejectedExecutionException));
        if (clientFailure != null) {
            // The backend only failed because we cut its request short: answer for what really happened.
            exchange.failure = clientFailure;
            sendProxyResponseError(clientRequest, proxyResponse, clientFailure instanceof BodyTooLargeException
                    ? HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE : HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        Backend next = proxyResponse.isCommitted() ? null
                : balancer.retryTarget(exchange, clientRequest.getMethod(), hasContent(clientRequest));
        if (next != null) {
            exchange.attempt(next);
            resend(clientRequest, proxyResponse, next);
            return;
        }
        if (proxyResponse.isCommitted()) {
            // Jetty aborts the client connection, after which the async cycle's onComplete never comes.
            end(exchange);
        }
        super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
    }

    /** The exchange is over for the balancer's graceful stop; once only, whichever way it ended. */
    private void end(Exchange exchange) {
        if (exchange != null && exchange.end()) {
            balancer.exchangeEnded();
        }
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
            ErrorResponses.send(proxyResponse, status, balancer.errorMessage(exchange(clientRequest), status));
        } catch (IOException | RuntimeException e) {
            LOG.debug("[{}] could not send the {} error", balancer.name(), status, e);
        } finally {
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
    }

    private static Exchange exchange(HttpServletRequest request) {
        return (Exchange) request.getAttribute(Exchange.ATTRIBUTE);
    }

    /**
     * The container stops the servlet: readiness turns 503, and proxied requests still in flight get up to
     * {@code shutdownTimeout} to finish before the HTTP client, and with it every backend connection, stops.
     */
    /**
     * The client's thread pool where the container lends none (Tomcat). Its stop returns only once its threads have
     * ended: Jetty's pool lets go of a thread just before the thread ends, and Tomcat, checking right after the
     * undeploy, reports a thread still ending as one the application leaked.
     */
    static final class OwnThreadPool extends QueuedThreadPool {
        private final Set<Thread> started = ConcurrentHashMap.newKeySet();

        OwnThreadPool() {
            super(200, 8);
        }

        @Override
        public Thread newThread(Runnable runnable) {
            started.removeIf(thread -> !thread.isAlive());
            Thread thread = super.newThread(runnable);
            started.add(thread);
            return thread;
        }

        @Override
        protected void doStop() throws Exception {
            super.doStop();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(getStopTimeout());
            for (Thread thread : started) {
                if (thread == Thread.currentThread()) {
                    continue; // stopped from one of its own threads: that one ends after this returns
                }
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            started.clear();
        }
    }

    @Override
    public void destroy() {
        if (balancer != null) {
            balancer.stop();
        }
        super.destroy();
        LOG.info("[{}] stopped", getServletConfig().getServletName());
    }
}
