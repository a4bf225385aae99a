package dev.balancer.servlet;

import dev.balancer.AbandonedAttempt;
import dev.balancer.BackendTarget;
import dev.balancer.Balancer;
import dev.balancer.ConfigReload;
import dev.balancer.Exchange;
import dev.balancer.ExpectContinue;
import dev.balancer.ProxyHeaders;
import dev.balancer.Recovery;
import dev.balancer.Route;
import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigSources;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet front end (the WAR's) of the {@link Balancer}: per request it asks the balancer where to go, forwards
 * to that backend's base URL + the request's path and query, reports what happens to the exchange, and after a
 * failed attempt executes the balancer's {@link Recovery}. Bodies stream both ways ({@link StreamingProxyServlet}).
 *
 * <p>Configured by init-params, context-params, {@code -Dbalancer.KEY} or {@code BALANCER_KEY} (first wins); see
 * {@link dev.balancer.config.ConfigKey} for every key.
 */
public class BalancingProxyServlet extends StreamingProxyServlet {
    private static final Logger LOG = LoggerFactory.getLogger(BalancingProxyServlet.class);
    /** The id of a request the balancer refused, for the access log; a forwarded one's is in its exchange. */
    static final String REQUEST_ID = Exchange.class.getName() + ".requestId";
    private static final Set<String> NO_BODY_METHODS = Set.of("GET", "HEAD", "OPTIONS", "DELETE", "TRACE");

    private BalancerConfig config;
    private Balancer balancer;
    /** Null when embedded with a ready configuration: then there are no sources to read again. */
    private ConfigReload reload;
    /** Null when nothing listens for finished requests (admin and access log both off). */
    private RequestEnd requestEnd;
    private WebSocketHandshake webSockets;
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
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (config == null) {
                ConfigSources sources = ServletConfigSources.of(servletConfig);
                config = BalancerConfig.from(sources);
                balancer = new Balancer(displayName, config, loader);
                reload = new ConfigReload(balancer, sources, () -> ServletConfigSources.of(servletConfig), loader);
            } else {
                balancer = new Balancer(displayName, config, loader);
            }
        } catch (ConfigException e) {
            LOG.error("[{}] not started: {}", displayName, e.getMessage());
            // A bare UnavailableException only disables the servlet (Jetty then starts the context anyway and
            // answers 404); a ServletException fails the deployment in Jetty, and in Tomcat with
            // failCtxIfServletStartFails (set in the WAR's META-INF/context.xml). The cause still says "permanent".
            throw new ServletException(e.getMessage(), new UnavailableException(e.getMessage()));
        }
        requestEnd = balancer.admin().tracksRequests() ? new RequestEnd(balancer) : null;
        super.init();
        webSockets = new WebSocketHandshake(balancer, getHttpClient(), getServletContext().getServerInfo());
        balancer.start(getHttpClient());
        if (reload != null) {
            reload.watch(); // no signals in a container: configWatch is how a WAR reloads
        }
    }

    /** Reads the configuration sources again and applies what changed (see {@link ConfigReload}); null when embedded. */
    public ConfigReload.Outcome reload() {
        return reload == null ? null : reload.reload();
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

    @Override
    Balancer balancer() {
        return balancer;
    }

    /** The pool this servlet balances over: its snapshot, members and states. */
    public BackendPool pool() {
        return balancer.pool();
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
        boolean webSocket = WebSocketHandshake.requested(request);
        String refusal = webSocket ? webSockets.refusal(request) : null;
        if (refusal != null) { // before routing: no backend is picked for a tunnel that cannot work
            refuse(request, response, new Route.Refuse(501, refusal), requestId);
            return;
        }
        Route route = balancer.route(client, requestId, request.getContentLengthLong(),
                ProxyHeaders.namesAnotherHost(request.getHeader("Host"), request.getServerName(), request.getServerPort(),
                        request.isSecure()));
        if (route instanceof Route.Refuse refuse) {
            refuse(request, response, refuse, requestId);
            return;
        }
        Exchange exchange = ((Route.Forward) route).exchange();
        exchange(request, exchange);
        if (webSocket) {
            webSockets.proxy(request, response, exchange, backend -> target(backend, request));
            return;
        }
        super.service(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, Route.Refuse refuse, String requestId)
            throws IOException {
        request.setAttribute(REQUEST_ID, requestId);
        ErrorResponses.write(response, refuse.status(), refuse.message(), balancer.requestIdHeader(), requestId);
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

    /**
     * HTTP/2 and 3 announce a body of unknown length by nothing but the stream staying open, which a servlet cannot
     * see before reading: Jetty's test (a length or Transfer-Encoding) finds none, so a gRPC call or a streamed upload
     * lost its body. Without a length, a body is assumed for the methods that carry one; not for GET, HEAD, OPTIONS,
     * DELETE and TRACE (no body semantics, RFC 9110 9.3), which Tomcat reports without a length even when the stream
     * ended with the headers: they would all reach backends as empty chunked bodies.
     */
    @Override
    protected boolean hasContent(HttpServletRequest clientRequest) {
        return super.hasContent(clientRequest) || clientRequest.getContentLengthLong() < 0
                && !clientRequest.getProtocol().startsWith("HTTP/1") && !NO_BODY_METHODS.contains(clientRequest.getMethod());
    }

    @Override
    protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        ForwardedHeaders.copy(balancer, clientRequest, proxyRequest);
        ServletTrailers.forwardTe(clientRequest, proxyRequest);
    }

    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        ForwardedHeaders.add(balancer, clientRequest, proxyRequest, exchange(clientRequest).requestId());
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

            /** A refusal before 100 is the backend's answer, relayed in full: a success, not a failed attempt. */
            @Override
            public void onComplete(Result result) {
                super.onComplete(ExpectContinue.settled(result));
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
        ServletTrailers.passOn(clientRequest, proxyResponse, serverResponse);
    }

    @Override
    protected void onProxyResponseSuccess(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
        balancer.attemptSucceeded(exchange(clientRequest));
        super.onProxyResponseSuccess(clientRequest, proxyResponse, serverResponse);
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
            ErrorResponses.write(proxyResponse, reply.status(), reply.message(), balancer.requestIdHeader(),
                    exchange(clientRequest).requestId());
        } catch (IOException | RuntimeException e) {
            LOG.debug("[{}] could not send the {} error", balancer.name(), reply.status(), e);
        } finally {
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
    }

    /**
     * The container stops the servlet: readiness turns 503, and proxied requests still in flight get up to
     * {@code shutdownTimeout} to finish before the HTTP client, and with it every backend connection, stops.
     */
    @Override
    public void destroy() {
        if (reload != null) {
            reload.close();
        }
        if (balancer != null) {
            balancer.stop();
            if (webSockets != null) {
                webSockets.closeAll();
            }
        }
        super.destroy();
        LOG.info("[{}] stopped", getServletConfig().getServletName());
    }
}
