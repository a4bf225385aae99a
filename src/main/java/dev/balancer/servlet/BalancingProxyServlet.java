package dev.balancer.servlet;

import dev.balancer.Balancer;
import dev.balancer.AbandonedAttempt;
import dev.balancer.BackendTarget;
import dev.balancer.ErrorBody;
import dev.balancer.Exchange;
import dev.balancer.ProxyHeaders;
import dev.balancer.Recovery;
import dev.balancer.Route;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet front end (the WAR's) of the {@link Balancer}: per request it asks the balancer where to go, forwards
 * to that backend's base URL + the request's path and query, reports what happens to the exchange, and after a
 * failed attempt executes the balancer's {@link Recovery}. Bodies stream both ways ({@link AsyncProxyServlet}).
 *
 * <p>Configured by init-params, context-params, {@code -Dbalancer.KEY} or {@code BALANCER_KEY} (first wins); see
 * {@link dev.balancer.config.ConfigKey} for every key.
 */
public class BalancingProxyServlet extends AsyncProxyServlet {
    private static final Logger LOG = LoggerFactory.getLogger(BalancingProxyServlet.class);
    private static final String EXCHANGE = Exchange.class.getName();
    /** The id of a request the balancer refused, for the access log; a forwarded one's is in its exchange. */
    static final String REQUEST_ID = EXCHANGE + ".requestId";

    private BalancerConfig config;
    private Balancer balancer;
    /** Null when nothing listens for finished requests (admin and access log both off). */
    private RequestEnd requestEnd;
    /** Tells the balancer when a proxied request is over, whatever the outcome. */
    private final AsyncCompletion exchangeEnd = event -> end((HttpServletRequest) event.getSuppliedRequest(),
            (HttpServletResponse) event.getSuppliedResponse());

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
                config = BalancerConfig.from(ServletConfigSources.of(servletConfig));
            }
            balancer = new Balancer(displayName, config, Thread.currentThread().getContextClassLoader());
        } catch (ConfigException e) {
            LOG.error("[{}] not started: {}", displayName, e.getMessage());
            // A bare UnavailableException only disables the servlet (Jetty then starts the context anyway and
            // answers 404); a ServletException fails the deployment in Jetty, and in Tomcat with
            // failCtxIfServletStartFails (set in the WAR's META-INF/context.xml). The cause still says "permanent".
            throw new ServletException(e.getMessage(), new UnavailableException(e.getMessage()));
        }
        requestEnd = balancer.admin().tracksRequests() ? new RequestEnd(balancer) : null;
        super.init();
        balancer.start(getHttpClient());
    }

    /**
     * Starts a graceful stop: from now on readiness ({@code /_balancer/health}) must answer 503, so load balancers
     * stop sending new traffic, while requests still arriving are served as usual. Idempotent; {@link #destroy()}
     * calls it when the container stops the servlet.
     */
    public void beginShutdown() {
        balancer.beginShutdown();
    }

    /** True once {@link #beginShutdown()} was called: readiness must report 503 even with healthy backends. */
    public boolean isShuttingDown() {
        return balancer.isShuttingDown();
    }

    /** The pool this servlet balances over: its snapshot, members and states. */
    public BackendPool pool() {
        return balancer.pool();
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        // Jetty's proxy servlet gives its client a selector per two CPUs; so does this one.
        HttpClient client = balancer.newBackendClient(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        balancer.configure(client);
        // Inside Jetty, share the server's pool; elsewhere (Tomcat) bring our own, stopped with the client.
        Executor executor = (Executor) getServletContext().getAttribute("org.eclipse.jetty.server.Executor");
        if (executor == null) {
            OwnThreadPool threads = new OwnThreadPool();
            threads.setName("balancer-" + balancer.name());
            executor = threads;
        }
        client.setExecutor(executor);
        setTimeout(0); // the balancer sets each attempt's timeouts (BackendRequest)
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
        ServletClientRequest client = new ServletClientRequest(request);
        String requestId = balancer.requestId(client);
        Route route = balancer.route(client, requestId, request.getContentLengthLong(),
                Balancer.namesAnotherHost(request.getHeader("Host"), request.getServerName(), request.getServerPort(),
                        request.isSecure()));
        if (route instanceof Route.Refuse refuse) {
            request.setAttribute(REQUEST_ID, requestId);
            writeError(response, refuse.status(), refuse.message(), requestId);
            return;
        }
        request.setAttribute(EXCHANGE, ((Route.Forward) route).exchange());
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
        if (config.forwarding().stripPrefix()) {
            cut += request.getServletPath().length();
        }
        return BackendTarget.of(backend.baseUrl(), uri.substring(Math.min(cut, uri.length())), request.getQueryString());
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

    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        String clientIp = clientRequest.getRemoteAddr();
        String host = clientRequest.getHeader("Host");
        String proto = clientRequest.getScheme();
        String requestId = exchange(clientRequest).requestId();
        proxyRequest.headers(headers -> {
            ProxyHeaders.addForwarded(headers, clientIp, proto, host);
            headers.put(balancer.requestIdHeader(), requestId);
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
            exchange.requestSent();
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
                    callback.failed(balancer.bodyTooLarge());
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
                    exchange.clientFailed(failure);
                }
                super.onError(failure);
            }
        };
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
            proxyRequest.onRequestBegin(begun -> exchange.requestSent());
        }
        if (exchange.retries() == 0) {
            clientRequest.getAsyncContext().addListener(exchangeEnd, clientRequest, proxyResponse);
        }
        balancer.attemptStarted(exchange, proxyRequest);
        super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
    }

    @Override
    protected Response.Listener newProxyResponseListener(HttpServletRequest request, HttpServletResponse response) {
        Exchange exchange = exchange(request);
        return new ProxyResponseListener(request, response) {
            @Override
            public void onBegin(Response proxyResponse) {
                Recovery.Retry retry = balancer.responseBegan(exchange, proxyResponse.getStatus());
                if (retry != null) {
                    proxyResponse.abort(AbandonedAttempt.INSTANCE);
                    resend(request, response, retry);
                    return;
                }
                super.onBegin(proxyResponse);
            }
        };
    }

    /** With sticky sessions, the response names the backend that actually answered (after any retry). */
    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
        super.onServerResponseHeaders(clientRequest, proxyResponse, serverResponse);
        // The client gets the id back, so it can quote it; a backend that answers with its own id is not overruled.
        if (!proxyResponse.containsHeader(balancer.requestIdHeader())) {
            proxyResponse.setHeader(balancer.requestIdHeader(), exchange(clientRequest).requestId());
        }
        String path = clientRequest.getContextPath().isEmpty() ? "/" : clientRequest.getContextPath();
        String cookie = balancer.stickyCookie(exchange(clientRequest), path, clientRequest.isSecure());
        if (cookie != null) {
            proxyResponse.addHeader("Set-Cookie", cookie);
        }
    }

    /** A write to the client that fails, at once or later, is the client's failure: it went away. */
    @Override
    protected void onResponseContent(HttpServletRequest request, HttpServletResponse response, Response proxyResponse,
                                     byte[] buffer, int offset, int length, Callback callback) {
        Exchange exchange = exchange(request);
        exchange.responseBytes(length);
        super.onResponseContent(request, response, proxyResponse, buffer, offset, length, new Callback.Nested(callback) {
            @Override
            public void failed(Throwable failure) {
                exchange.clientFailed(failure);
                super.failed(failure);
            }
        });
    }

    /** Each chunk of the backend's response reaches the client as it arrives; see {@link FlushingWriter}. */
    @Override
    protected StreamWriter newWriteListener(HttpServletRequest request, Response proxyResponse) {
        return new FlushingWriter(request, proxyResponse, exchange(request));
    }

    /**
     * Writes each chunk of the backend's response and flushes it before asking for the next, so a server-sent event
     * or a long-poll answer is not held in the container's output buffer (32 KiB in Jetty, 8 KiB in Tomcat) until
     * more data fills it. A write the client cannot take is the client's failure: it went away.
     *
     * <p>Replaces Jetty's writer rather than extending its behaviour: that one completes a chunk right after the
     * write, and a flush of its own would leave the container calling {@code onWritePossible} on a writer that has
     * nothing left to do.
     */
    private final class FlushingWriter extends StreamWriter {
        private final HttpServletRequest request;
        private final Exchange exchange;
        private byte[] buffer;
        private int offset;
        private int length;
        private Callback callback;
        private boolean flushing;

        FlushingWriter(HttpServletRequest request, Response proxyResponse, Exchange exchange) {
            super(request, proxyResponse);
            this.request = request;
            this.exchange = exchange;
        }

        @Override
        protected void data(byte[] bytes, int offset, int length, Callback callback) {
            this.buffer = bytes;
            this.offset = offset;
            this.length = length;
            this.callback = callback;
        }

        @Override
        public void onWritePossible() {
            if (callback == null) {
                return; // the container asks again after a chunk is complete: nothing is waiting
            }
            try {
                ServletOutputStream output = request.getAsyncContext().getResponse().getOutputStream();
                if (buffer != null) {
                    byte[] bytes = buffer;
                    buffer = null;
                    output.write(bytes, offset, length);
                    if (!output.isReady()) {
                        return; // called again once the write is done
                    }
                }
                if (!flushing) {
                    flushing = true;
                    output.flush();
                    if (!output.isReady()) {
                        return;
                    }
                }
            } catch (Throwable failure) {
                onError(failure);
                return;
            }
            done().succeeded(); // may write the next chunk at once, on this thread
        }

        /**
         * The client cannot take the response (it went away): the pending chunk fails, exactly once, whether the
         * failure was thrown here or reported by the container later, and the backend exchange is aborted.
         */
        @Override
        public void onError(Throwable failure) {
            exchange.clientFailed(failure);
            if (callback != null) {
                done().failed(failure);
            }
            super.onError(failure);
        }

        private Callback done() {
            Callback done = callback;
            callback = null;
            buffer = null;
            flushing = false;
            return done;
        }
    }

    @Override
    protected void onProxyResponseSuccess(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
        balancer.attemptSucceeded(exchange(clientRequest));
        super.onProxyResponseSuccess(clientRequest, proxyResponse, serverResponse);
    }

    /** The client went away or its body failed: not the backend's fault, so passive health must not count it. */
    @Override
    protected void onClientRequestFailure(HttpServletRequest clientRequest, Request proxyRequest,
                                          HttpServletResponse proxyResponse, Throwable failure) {
        Exchange exchange = exchange(clientRequest);
        if (exchange != null) {
            exchange.clientFailed(failure);
        }
        super.onClientRequestFailure(clientRequest, proxyRequest, proxyResponse, failure);
    }

    @Override
    protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          Response serverResponse, Throwable failure) {
        if (failure == AbandonedAttempt.INSTANCE) {
            return; // left for a retry that is already under way
        }
        Exchange exchange = exchange(clientRequest);
        Recovery next = balancer.attemptFailed(exchange, failure, proxyResponse.isCommitted());
        if (next instanceof Recovery.Retry retry) {
            resend(clientRequest, proxyResponse, retry);
        } else if (next instanceof Recovery.Reply reply) {
            replyError(clientRequest, proxyResponse, reply);
        } else {
            // Jetty cuts the client connection, after which the async cycle's onComplete never comes.
            end(clientRequest, proxyResponse);
            super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
        }
    }

    /**
     * The exchange is over: the balancer's graceful stop no longer waits for it, and telemetry and the access log
     * learn how it ended. Once only, whichever way the end was learnt (completion, or a cut after commit).
     */
    private void end(HttpServletRequest request, HttpServletResponse response) {
        Exchange exchange = exchange(request);
        if (exchange != null && balancer.exchangeEnded(exchange) && requestEnd != null) {
            requestEnd.ended(request, response, exchange.startNanos());
        }
    }

    /** Sends the exchange's next attempt, after the retry's back-off. */
    private void resend(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Recovery.Retry retry) {
        if (retry.delayNanos() == 0) {
            resend(clientRequest, proxyResponse, retry.backend());
        } else {
            getHttpClient().getScheduler().schedule(() -> resend(clientRequest, proxyResponse, retry.backend()),
                    retry.delayNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void resend(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Backend backend) {
        Request proxyRequest = newProxyRequest(clientRequest, target(backend, clientRequest));
        copyRequestHeaders(clientRequest, proxyRequest);
        addProxyHeaders(clientRequest, proxyRequest);
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

    /**
     * Jetty's proxy answers some errors itself (a client body that failed after the backend exchange was over):
     * they get the balancer's JSON body too; once the response is committed, Jetty cuts the connection.
     */
    @Override
    protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, int status) {
        Exchange exchange = exchange(clientRequest);
        if (proxyResponse.isCommitted() || exchange == null) {
            super.sendProxyResponseError(clientRequest, proxyResponse, status);
            return;
        }
        replyError(clientRequest, proxyResponse, balancer.reply(exchange, status));
    }

    private void replyError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Recovery.Reply reply) {
        try {
            writeError(proxyResponse, reply.status(), reply.message(), exchange(clientRequest).requestId());
        } catch (IOException | RuntimeException e) {
            LOG.debug("[{}] could not send the {} error", balancer.name(), reply.status(), e);
        } finally {
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
    }

    private void writeError(HttpServletResponse response, int status, String message, String requestId) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        HttpField header = ErrorBody.headerFor(status);
        if (header != null) {
            response.setHeader(header.getName(), header.getValue());
        }
        response.setHeader(balancer.requestIdHeader(), requestId);
        response.setContentType("application/json");
        byte[] body = ErrorBody.of(message, requestId);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static Exchange exchange(HttpServletRequest request) {
        return (Exchange) request.getAttribute(EXCHANGE);
    }

    /**
     * The container stops the servlet: readiness turns 503, and proxied requests still in flight get up to
     * {@code shutdownTimeout} to finish before the HTTP client, and with it every backend connection, stops.
     */
    @Override
    public void destroy() {
        if (balancer != null) {
            balancer.stop();
        }
        super.destroy();
        LOG.info("[{}] stopped", getServletConfig().getServletName());
    }
}
