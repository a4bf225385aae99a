package dev.balancer.handler;

import dev.balancer.AbandonedAttempt;
import dev.balancer.BackendTarget;
import dev.balancer.Balancer;
import dev.balancer.ErrorBody;
import dev.balancer.Exchange;
import dev.balancer.ExpectContinue;
import dev.balancer.ProxyHeaders;
import dev.balancer.Recovery;
import dev.balancer.Route;
import dev.balancer.backend.Backend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
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
    private final boolean tracksRequests;
    private final WebSocketUpgrades webSockets;

    public BalancingProxyHandler(Balancer balancer) {
        this.balancer = balancer;
        this.webSockets = new WebSocketUpgrades(balancer);
        this.tracksRequests = balancer.admin().tracksRequests();
    }

    @Override
    protected HttpClient newHttpClient() {
        HttpClient client = balancer.newBackendClient(1);
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
        // Backend connections are this handler's to close, after the drain (doStop), not the server's: in its tree,
        // the client's HTTP/2 sessions would join the server's graceful stop, send backends a GOAWAY and wait for
        // them to close, which grpc-java's servers never do (every stop took the whole 30-s shutdownTimeout).
        unmanage(getHttpClient());
        // Instead of Jetty's proxy handlers (100, 102, 103), 100-continue alone, with a fallback for backends that
        // ignore Expect (see ExpectContinue); auth and redirects stay the client's business.
        ExpectContinue.install(getHttpClient());
        balancer.start(getHttpClient());
    }

    /**
     * Gives in-flight requests and WebSocket tunnels up to {@code shutdownTimeout}; then the tunnels left are closed
     * and the client, and every backend connection, stops.
     */
    @Override
    protected void doStop() throws Exception {
        balancer.stop();
        webSockets.closeAll();
        super.doStop();
        getHttpClient().stop();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (balancer.admin().serves(request.getHttpURI().getPath())) {
            return false;
        }
        CoreClientRequest client = new CoreClientRequest(request);
        String requestId = balancer.requestId(client);
        long length = RequestBody.length(request);
        Route route = balancer.route(client, requestId, length, ProxyHeaders.namesAnotherHost(
                request.getHeaders().get(HttpHeader.HOST), Request.getServerName(request), Request.getServerPort(request),
                request.isSecure()));
        if (route instanceof Route.Refuse refuse) {
            writeError(response, tracksRequests ? new Reported(balancer, client, requestId, response, null, callback) : callback,
                    refuse.status(), refuse.message(), requestId);
            return true;
        }
        Exchange exchange = ((Route.Forward) route).exchange();
        request.setAttribute(EXCHANGE, exchange);
        Callback done = tracksRequests ? new Reported(balancer, client, requestId, response, exchange, callback) : callback;
        send(request, response, Callback.from(done, () -> balancer.exchangeEnded(exchange)), exchange);
        return true;
    }

    /** Sends the exchange's current attempt to its backend. */
    private void send(Request request, Response response, Callback callback, Exchange exchange) {
        var proxyRequest = newProxyToServerRequest(request, exchange.backend());
        copyRequestHeaders(request, proxyRequest);
        addProxyHeaders(request, proxyRequest);
        proxyRequest.onRequestBegin(begun -> exchange.requestSent());
        if (exchange.hasBody()) {
            proxyRequest.body(new ClientBody(request, exchange, balancer));
            if (ExpectContinue.asked(request.getHeaders().get(HttpHeader.EXPECT))) {
                // Jetty's client reads ClientBody only after the backend's 100 (or the fallback), and the first
                // read is what sends the client its own 100: nothing more to do when the body is wanted.
                ExpectContinue.expect(proxyRequest, getHttpClient(), null);
            }
        }
        balancer.attemptStarted(exchange, proxyRequest);
        sendProxyToServerRequest(request, proxyRequest, response, callback);
    }

    /** Sends the exchange's next attempt, after the retry's back-off. */
    private void resend(Request request, Response response, Callback callback, Exchange exchange, Recovery.Retry retry) {
        if (retry.delayNanos() == 0) {
            send(request, response, callback, exchange);
        } else {
            getHttpClient().getScheduler().schedule(() -> send(request, response, callback, exchange), retry.delayNanos(),
                    TimeUnit.NANOSECONDS);
        }
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
            if (WebSocketUpgrades.requested(request)) {
                WebSocketUpgrades.addRequestHeaders(proxied);
            }
            Trailers.forwardTe(request, proxied);
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
        if (failure == AbandonedAttempt.INSTANCE) {
            return; // left for a retry that is already under way
        }
        Exchange exchange = exchange(request);
        Recovery next = balancer.attemptFailed(exchange, failure, response.isCommitted());
        if (next instanceof Recovery.Retry retry) {
            response.reset();
            resend(request, response, callback, exchange, retry);
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

    /**
     * Streams the backend's response to the client, keeping the exchange's bookkeeping; a 101 to a WebSocket
     * handshake turns the exchange into a tunnel instead.
     */
    private final class ResponseListener extends ProxyResponseListener {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final Exchange exchange;
        private final boolean webSocket;
        /** Body bytes still to come when the backend declared a length and can send no trailers, else -1. */
        private long remaining = -1;
        private boolean lastWritten;

        ResponseListener(Request request, org.eclipse.jetty.client.Request proxyRequest, Response response, Callback callback) {
            super(request, proxyRequest, response, callback);
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.exchange = exchange(request);
            this.webSocket = WebSocketUpgrades.requested(request);
        }

        @Override
        public void onBegin(org.eclipse.jetty.client.Response serverResponse) {
            if (switching(serverResponse) && !webSocket) {
                exchange.responseBegan(serverResponse.getStatus());
                serverResponse.abort(new IOException("backend answered 101 to a request that asked for no upgrade"));
                return;
            }
            Recovery.Retry retry = balancer.responseBegan(exchange, serverResponse.getStatus());
            if (retry != null) {
                serverResponse.abort(AbandonedAttempt.INSTANCE);
                resend(request, response, callback, exchange, retry);
                return;
            }
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
            if (switching(serverResponse)) {
                WebSocketUpgrades.addResponseHeaders(headers, toClient);
            }
            // The client gets the id back, so it can quote it; a backend that answers with its own id is not overruled.
            if (!toClient.contains(balancer.requestIdHeader())) {
                toClient.put(balancer.requestIdHeader(), exchange.requestId());
            }
            String cookie = balancer.stickyCookie(exchange, "/", request.isSecure());
            if (cookie != null) {
                toClient.add(HttpHeader.SET_COOKIE, cookie);
            }
            Trailers.passOn(request, serverResponse, response);
            // An HTTP/1 backend sends trailers only with a chunked body, never with a Content-Length.
            if (serverResponse.getVersion().getVersion() < 20) {
                remaining = headers.getLongField(HttpHeader.CONTENT_LENGTH);
            }
        }

        /**
         * A 101 is written when the tunnel is set up (see {@link #onComplete}), not as the end of a response; a
         * response whose last chunk already went out as the last write is complete.
         */
        @Override
        public void onSuccess(org.eclipse.jetty.client.Response serverResponse) {
            if (lastWritten) {
                succeeded();
            } else if (!switching(serverResponse)) {
                super.onSuccess(serverResponse);
            }
        }

        /** After a 101 Jetty's client has let go of the backend connection: the tunnel takes it over. */
        @Override
        public void onComplete(Result result) {
            result = ExpectContinue.settled(result); // a refusal before 100 is an answer, relayed in full
            if (result.isSucceeded() && switching(result.getResponse())) {
                webSockets.tunnel(exchange, request, response, result.getRequest(), callback);
            } else {
                super.onComplete(result);
            }
        }

        private static boolean switching(org.eclipse.jetty.client.Response serverResponse) {
            return serverResponse.getStatus() == HttpStatus.SWITCHING_PROTOCOLS_101;
        }

        /**
         * Like Jetty's, which aborts the backend exchange when a write to the client fails, but the failure is first
         * recorded as the client's: a cancelled download must not count against the backend.
         *
         * <p>The chunk that completes a declared length is the last write, not followed by Jetty's empty one: over
         * HTTP/2 that empty write was a DATA frame of its own, with END_STREAM, in a socket write of its own, one
         * of three writes per proxied request (h2load, 10 streams a connection: 82 → 66 CPU-µs per request).
         */
        @Override
        public void onContent(org.eclipse.jetty.client.Response serverResponse, Content.Chunk chunk, Runnable demander) {
            int length = chunk.remaining();
            exchange.responseBytes(length);
            if (remaining > 0) {
                remaining -= length;
                lastWritten = remaining == 0;
            }
            chunk.retain();
            response.write(lastWritten, chunk.getByteBuffer(), Callback.from(Invocable.InvocationType.NON_BLOCKING, () -> {
                chunk.release();
                demander.run();
            }, failure -> {
                chunk.release();
                exchange.clientFailed(failure);
                serverResponse.abort(failure);
            }));
        }
    }
}
