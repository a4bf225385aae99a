package dev.balancer.handler;

import dev.balancer.BackendTarget;
import dev.balancer.Balancer;
import dev.balancer.ErrorBody;
import dev.balancer.Exchange;
import dev.balancer.ProxyHeaders;
import dev.balancer.Recovery;
import dev.balancer.Route;
import dev.balancer.backend.Backend;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
import org.eclipse.jetty.util.thread.Invocable;

/**
 * The runnable jar's front end: the same balancing core as the WAR's servlet, on Jetty's core {@link ProxyHandler}
 * instead of the servlet API (no request/response wrappers, async contexts or read/write listeners in the path; see
 * docs/performance.md for what that is worth). Per request it asks the balancer where to go, reports what happens
 * to the exchange, and after a failed attempt executes the balancer's {@link Recovery}.
 *
 * <p>Requests under the admin path are declined ({@code handle} returns false) for the admin servlet that
 * follows this handler.
 */
public final class BalancingProxyHandler extends ProxyHandler {
    private static final String EXCHANGE = Exchange.class.getName();

    private final Balancer balancer;
    private final long timeoutMillis;
    private final boolean tracksRequests;

    public BalancingProxyHandler(Balancer balancer) {
        this.balancer = balancer;
        this.timeoutMillis = balancer.config().timeouts().timeout().toMillis();
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
        CoreClientRequest client = new CoreClientRequest(request);
        String requestId = balancer.requestId(client);
        Route route = balancer.route(client, requestId, request.getLength(), Balancer.namesAnotherHost(
                request.getHeaders().get(HttpHeader.HOST), Request.getServerName(request), Request.getServerPort(request),
                request.isSecure()));
        if (route instanceof Route.Refuse refuse) {
            writeError(response, tracksRequests ? new Reported(client, requestId, response, null, callback) : callback,
                    refuse.status(), refuse.message(), requestId);
            return true;
        }
        Exchange exchange = ((Route.Forward) route).exchange();
        request.setAttribute(EXCHANGE, exchange);
        Callback done = tracksRequests ? new Reported(client, requestId, response, exchange, callback) : callback;
        send(request, response, Callback.from(done, () -> balancer.exchangeEnded(exchange)), exchange);
        return true;
    }

    /** Sends the exchange's current attempt to its backend. */
    private void send(Request request, Response response, Callback callback, Exchange exchange) {
        var proxyRequest = newProxyToServerRequest(request, exchange.backend());
        copyRequestHeaders(request, proxyRequest);
        addProxyHeaders(request, proxyRequest);
        proxyRequest.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        proxyRequest.onRequestBegin(begun -> exchange.requestSent());
        if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            proxyRequest.body(new ClientBody(request, exchange, balancer));
        }
        balancer.attemptStarted(exchange);
        sendProxyToServerRequest(request, proxyRequest, response, callback);
    }

    /**
     * The backend request: the backend's base URI, parsed once at startup, and the client's path and query as the
     * client sent them. (Not {@link #rewriteHttpURI} and an {@code HttpURI}, which the client would turn into a
     * {@code java.net.URI} by quoting and re-parsing the whole target on every request.)
     */
    private org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, Backend backend) {
        HttpURI uri = request.getHttpURI();
        String basePath = backend.url().getRawPath();
        String target = BackendTarget.of(basePath == null ? "" : basePath, uri.getPath(), uri.getQuery());
        return getHttpClient().newRequest(backend.url()).method(request.getMethod()).path(target);
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
        String requestId = exchange(request).requestId();
        proxyRequest.headers(headers -> {
            ProxyHeaders.addForwarded(headers, clientIp, proto == null ? "http" : proto, host);
            headers.put(balancer.requestIdHeader(), requestId);
        });
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
        balancer.attemptSucceeded(exchange(request));
        callback.succeeded();
    }

    /** The client could not take the response (it went away): the backend did its part, and nobody is left to answer. */
    @Override
    protected void onProxyToClientResponseFailure(Request request, org.eclipse.jetty.client.Request proxyRequest,
                                                  org.eclipse.jetty.client.Response serverResponse, Response response,
                                                  Callback callback, Throwable failure) {
        Exchange exchange = exchange(request);
        exchange.clientFailed(failure);
        balancer.attemptFailed(exchange, failure, true);
        callback.failed(failure);
    }

    /** The attempt failed before the whole response reached the client: the balancer says what happens next. */
    @Override
    protected void onServerToProxyResponseFailure(Request request, org.eclipse.jetty.client.Request proxyRequest,
                                                  org.eclipse.jetty.client.Response serverResponse, Response response,
                                                  Callback callback, Throwable failure) {
        Exchange exchange = exchange(request);
        Recovery next = balancer.attemptFailed(exchange, failure, response.isCommitted());
        if (next instanceof Recovery.Retry) {
            response.reset();
            send(request, response, callback, exchange);
        } else if (next instanceof Recovery.Reply reply) {
            writeError(response, callback, reply.status(), reply.message(), exchange.requestId());
        } else {
            callback.failed(failure); // Jetty cuts the client connection
        }
    }

    /** Errors we answer ourselves get a JSON body, and the request id in it and in its header. */
    private void writeError(Response response, Callback callback, int status, String message, String requestId) {
        response.reset();
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        HttpField extra = ErrorBody.headerFor(status);
        if (extra != null) {
            headers.put(extra);
        }
        byte[] body = ErrorBody.of(message, requestId);
        headers.put(balancer.requestIdHeader(), requestId);
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static Exchange exchange(Request request) {
        return (Exchange) request.getAttribute(EXCHANGE);
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
            exchange.responseBegan(serverResponse.getStatus());
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
            // The client gets the id back, so it can quote it; a backend that answers with its own id is not overruled.
            if (!toClient.contains(balancer.requestIdHeader())) {
                toClient.put(balancer.requestIdHeader(), exchange.requestId());
            }
            String cookie = balancer.stickyCookie(exchange, "/", request.isSecure());
            if (cookie != null) {
                toClient.add(HttpHeader.SET_COOKIE, cookie);
            }
        }

        /**
         * Like Jetty's, which aborts the backend exchange when a write to the client fails, but the failure is first
         * recorded as the client's: a cancelled download must not count against the backend.
         */
        @Override
        public void onContent(org.eclipse.jetty.client.Response serverResponse, Content.Chunk chunk, Runnable demander) {
            exchange.responseBytes(chunk.remaining());
            chunk.retain();
            response.write(false, chunk.getByteBuffer(), Callback.from(Invocable.InvocationType.NON_BLOCKING, () -> {
                chunk.release();
                demander.run();
            }, failure -> {
                chunk.release();
                exchange.clientFailed(failure);
                serverResponse.abort(failure);
            }));
        }
    }

    /** Reports the finished request to the admin telemetry and access log, whatever its outcome. */
    private final class Reported extends Callback.Nested {
        private final CoreClientRequest client;
        private final String requestId;
        private final Response response;
        private final Exchange exchange;
        private final long startNanos = System.nanoTime();

        Reported(CoreClientRequest client, String requestId, Response response, Exchange exchange, Callback callback) {
            super(callback);
            this.client = client;
            this.requestId = requestId;
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
            balancer.requestEnded(client, requestId, response.getStatus(), exchange,
                    response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH), System.nanoTime() - startNanos);
        }
    }
}
