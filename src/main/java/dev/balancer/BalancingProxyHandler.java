package dev.balancer;

import dev.balancer.backend.Backend;
import dev.balancer.config.BalancerConfig;
import dev.balancer.strategy.ClientRequest;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The runnable jar's front end: the same balancing core as {@link BalancingProxyServlet}, on Jetty's core
 * {@link ProxyHandler} instead of the servlet API. Without request/response wrappers, async contexts and
 * read/write listeners in the path it serves about twice the requests per CPU-second (see docs/performance.md).
 *
 * <p>Requests under the admin path are declined ({@code handle} returns false) for the admin servlet that
 * follows this handler.
 */
public final class BalancingProxyHandler extends ProxyHandler {
    private final Balancer balancer;
    private final BalancerConfig config;
    private final boolean tracksRequests;

    public BalancingProxyHandler(Balancer balancer) {
        this.balancer = balancer;
        this.config = balancer.config();
        this.tracksRequests = balancer.admin().tracksRequests();
    }

    @Override
    protected HttpClient newHttpClient() {
        HttpClient client = super.newHttpClient();
        // One thread pool and one buffer pool for both sides: handing work between two pools costs context switches
        // for nothing, and buffers one side released serve the other.
        client.setExecutor(getServer().getThreadPool());
        client.setByteBufferPool(getServer().getByteBufferPool());
        return client;
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        balancer.configure(client);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        getHttpClient().getProtocolHandlers().clear();
        balancer.start(getHttpClient());
    }

    /** Gives in-flight requests up to {@code shutdownTimeout} before the client, and every backend connection, stops. */
    @Override
    protected void doStop() throws Exception {
        balancer.stop();
        super.doStop();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (balancer.admin().serves(request.getHttpURI().getPath())) {
            return false;
        }
        ClientRequest client = new CoreClientRequest(request);
        Balancer.Route route = balancer.route(client, request.getLength(), Balancer.namesAnotherHost(
                request.getHeaders().get(HttpHeader.HOST), Request.getServerName(request), Request.getServerPort(request),
                request.isSecure()));
        Exchange exchange = route.exchange();
        Callback done = tracksRequests ? new Reported(client, response, exchange, callback) : callback;
        if (exchange == null) {
            sendError(response, done, route.status(), route.refusal());
            return true;
        }
        request.setAttribute(Exchange.ATTRIBUTE, exchange);
        send(request, response, Callback.from(done, balancer::exchangeEnded), exchange);
        return true;
    }

    /** Sends the exchange's current attempt to its backend. */
    private void send(Request request, Response response, Callback callback, Exchange exchange) {
        var proxyRequest = newProxyToServerRequest(request, exchange.backend());
        copyRequestHeaders(request, proxyRequest);
        addProxyHeaders(request, proxyRequest);
        proxyRequest.timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        proxyRequest.onRequestBegin(begun -> exchange.requestBegan = true);
        if (hasBody(request)) {
            proxyRequest.body(new ClientBody(request, exchange, balancer));
        }
        balancer.attemptStarted(exchange);
        sendProxyToServerRequest(request, proxyRequest, response, callback);
    }

    private static boolean hasBody(Request request) {
        HttpFields headers = request.getHeaders();
        return request.getLength() > 0 || headers.contains(HttpHeader.TRANSFER_ENCODING);
    }

    /**
     * The backend request: the backend's base URI, parsed once at startup, and the client's path and query as the
     * client sent them. (Not {@link #rewriteHttpURI} and an {@code HttpURI}, which the client would turn into a
     * {@code java.net.URI} by quoting and re-parsing the whole target on every request.)
     */
    private org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, Backend backend) {
        HttpURI uri = request.getHttpURI();
        String path = uri.getPath();
        String query = uri.getQuery();
        String basePath = backend.url().getRawPath();
        StringBuilder target = new StringBuilder(64);
        if (basePath != null) {
            target.append(basePath);
        }
        target.append(path.isEmpty() || path.charAt(0) != '/' ? "/" : "").append(path);
        if (query != null) {
            target.append('?').append(query);
        }
        return getHttpClient().newRequest(backend.url()).method(request.getMethod()).path(target.toString());
    }

    /** Not used: {@link #send} builds backend requests itself (see {@link #newProxyToServerRequest(Request, Backend)}). */
    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        throw new UnsupportedOperationException("BalancingProxyHandler picks the backend per attempt in send()");
    }

    @Override
    protected void copyRequestHeaders(Request request, org.eclipse.jetty.client.Request proxyRequest) {
        HttpFields headers = request.getHeaders();
        Set<String> connectionListed = ProxyHeaders.connectionListed(headers.getValues(HttpHeader.CONNECTION.asString()));
        proxyRequest.headers(proxied -> {
            for (HttpField field : headers) {
                if (balancer.proxyHeaders().forwards(field.getName(), connectionListed)) {
                    proxied.add(field);
                }
            }
        });
    }

    @Override
    protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request proxyRequest) {
        String clientIp = Request.getRemoteAddr(request);
        String host = request.getHeaders().get(HttpHeader.HOST);
        String proto = request.getHttpURI().getScheme();
        proxyRequest.headers(headers -> ProxyHeaders.addForwarded(headers, clientIp, proto == null ? "http" : proto, host));
    }

    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request request, org.eclipse.jetty.client.Request proxyRequest, Response response, Callback callback) {
        return new ResponseListener(request, proxyRequest, response, callback);
    }

    @Override
    protected void onProxyToClientResponseComplete(Request request, org.eclipse.jetty.client.Request proxyRequest,
                                                   org.eclipse.jetty.client.Response serverResponse, Response response,
                                                   Callback callback) {
        balancer.attemptSucceeded(exchange(request), serverResponse.getStatus());
        callback.succeeded();
    }

    /** The client could not take the response (it went away): the backend did its part. */
    @Override
    protected void onProxyToClientResponseFailure(Request request, org.eclipse.jetty.client.Request proxyRequest,
                                                  org.eclipse.jetty.client.Response serverResponse, Response response,
                                                  Callback callback, Throwable failure) {
        Exchange exchange = exchange(request);
        exchange.clientFailure = failure;
        balancer.attemptFailed(exchange, serverResponse.getStatus(), failure, false);
        callback.failed(failure);
    }

    /**
     * The attempt failed before the whole response reached the client: retry another backend when that is safe,
     * else answer the error ourselves — or, once the backend's response is committed, cut the connection.
     */
    @Override
    protected void onServerToProxyResponseFailure(Request request, org.eclipse.jetty.client.Request proxyRequest,
                                                  org.eclipse.jetty.client.Response serverResponse, Response response,
                                                  Callback callback, Throwable failure) {
        Exchange exchange = exchange(request);
        Throwable clientFailure = exchange.clientFailure;
        balancer.attemptFailed(exchange, serverResponse.getStatus(), failure, !(failure instanceof RejectedExecutionException));
        if (response.isCommitted()) {
            callback.failed(failure);
            return;
        }
        if (clientFailure != null) {
            // The backend only failed because we cut its request short: answer for what really happened.
            exchange.failure = clientFailure;
            sendError(response, callback, clientFailure instanceof ClientBody.TooLarge ? 413 : 400, exchange);
            return;
        }
        Backend next = balancer.retryTarget(exchange, request.getMethod(), hasBody(request));
        if (next != null) {
            exchange.attempt(next);
            response.reset();
            send(request, response, callback, exchange);
            return;
        }
        int status = failure instanceof TimeoutException ? 504 : failure instanceof RejectedExecutionException ? 503 : 502;
        sendError(response, callback, status, exchange);
    }

    private void sendError(Response response, Callback callback, int status, Exchange exchange) {
        sendError(response, callback, status, balancer.errorMessage(exchange, status));
    }

    /**
     * Errors we answer ourselves get a JSON body. Written here rather than beside the servlet's in ErrorResponses:
     * that class is loaded in the WAR, where Jetty's server API (this method's types) is absent.
     */
    private static void sendError(Response response, Callback callback, int status, String message) {
        response.reset();
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        HttpField extra = ErrorResponses.headerFor(status);
        if (extra != null) {
            headers.put(extra);
        }
        byte[] body = ErrorResponses.body(message);
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static Exchange exchange(Request request) {
        return (Exchange) request.getAttribute(Exchange.ATTRIBUTE);
    }

    /** Streams the backend's response to the client, keeping the exchange's bookkeeping. */
    private final class ResponseListener extends ProxyResponseListener {
        private final Request request;
        private final Response response;
        private final Exchange exchange;

        ResponseListener(Request request, org.eclipse.jetty.client.Request proxyRequest, Response response, Callback callback) {
            super(request, proxyRequest, response, callback);
            this.request = request;
            this.response = response;
            this.exchange = exchange(request);
        }

        @Override
        public void onBegin(org.eclipse.jetty.client.Response serverResponse) {
            exchange.responseBegan = true;
            super.onBegin(serverResponse);
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response serverResponse) {
            HttpFields headers = serverResponse.getHeaders();
            HttpFields.Mutable toClient = response.getHeaders();
            for (HttpField field : headers) {
                if (!ProxyHeaders.hopByHop(field, headers)) {
                    toClient.add(field);
                }
            }
            StickySessions sticky = balancer.sticky();
            if (sticky != null) {
                String cookie = sticky.setCookie(new CoreClientRequest(request), exchange.backend(), "/", request.isSecure());
                if (cookie != null) {
                    toClient.add(HttpHeader.SET_COOKIE, cookie);
                }
            }
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response serverResponse, Content.Chunk chunk, Runnable demander) {
            exchange.responseBytes += chunk.remaining();
            super.onContent(serverResponse, chunk, demander);
        }
    }

    /** Reports the finished request to the admin telemetry and access log, whatever its outcome. */
    private final class Reported extends Callback.Nested {
        private final ClientRequest client;
        private final Response response;
        private final Exchange exchange;
        private final long startNanos = System.nanoTime();

        Reported(ClientRequest client, Response response, Exchange exchange, Callback callback) {
            super(callback);
            this.client = client;
            this.response = response;
            this.exchange = exchange;
        }

        @Override
        public void succeeded() {
            report();
            super.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            report();
            super.failed(failure);
        }

        private void report() {
            long bytes = exchange != null && exchange.responseBytes > 0 ? exchange.responseBytes
                    : Math.max(0, response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH));
            balancer.admin().requestEnded(client, response.getStatus(), exchange == null ? null : exchange.backend().id(),
                    bytes, System.nanoTime() - startNanos, exchange == null ? 0 : exchange.retries());
        }
    }
}
