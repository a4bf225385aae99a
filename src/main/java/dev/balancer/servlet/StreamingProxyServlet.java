package dev.balancer.servlet;

import dev.balancer.BackendClient;
import dev.balancer.Balancer;
import dev.balancer.Exchange;
import dev.balancer.ExpectContinue;
import dev.balancer.ProxyHeaders;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Executor;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Callback;

/**
 * The byte-moving half of {@link BalancingProxyServlet}: how bodies stream between the container and Jetty's client,
 * and which side a failure is blamed on. The pieces that must be nested classes of an {@link AsyncProxyServlet}
 * subclass live here (the flushing {@link StreamWriter}, the body-limited {@link StreamReader}); the decisions (where a
 * request goes, what a failure leads to) are the subclass's, which asks its {@link Balancer}.
 *
 * <p>Per-request state is the request's {@link Exchange}, found through a request attribute ({@link #exchange}).
 */
abstract class StreamingProxyServlet extends AsyncProxyServlet {
    private static final String EXCHANGE = Exchange.class.getName();

    /** The balancer whose limits apply to the bodies (body size) and who learns of client failures. */
    abstract Balancer balancer();

    static Exchange exchange(HttpServletRequest request) {
        return (Exchange) request.getAttribute(EXCHANGE);
    }

    static void exchange(HttpServletRequest request, Exchange exchange) {
        request.setAttribute(EXCHANGE, exchange);
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        // Jetty's proxy servlet gives its client a selector per two CPUs; so does this one.
        HttpClient client = balancer().newBackendClient(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        balancer().configure(client);
        // Inside Jetty, share the server's pool; elsewhere (Tomcat) bring our own, stopped with the client.
        Executor executor = (Executor) getServletContext().getAttribute("org.eclipse.jetty.server.Executor");
        if (executor == null) {
            OwnThreadPool threads = new OwnThreadPool();
            threads.setName("balancer-" + balancer().name());
            executor = threads;
        }
        client.setExecutor(executor);
        client.setScheduler(new OwnScheduler("balancer-" + balancer().name() + "-scheduler"));
        setTimeout(0); // the balancer sets each attempt's timeouts (BackendRequest)
        try {
            client.start();
        } catch (Exception e) {
            throw new ServletException(e);
        }
        // Bodies pass through as they are (no decoding), and auth/redirect handling is the client's business; only
        // 100-continue is handled, between us and the backend.
        client.getContentDecoderFactories().clear();
        ExpectContinue.install(client);
        return client;
    }

    /**
     * Not Jetty's way of forwarding 100-continue (its {@code service} wraps the body for the first attempt only):
     * {@link #proxyRequestContent} does it for every attempt, retries included, through {@link ExpectContinue}.
     */
    @Override
    protected boolean expects100Continue(HttpServletRequest request) {
        return false;
    }

    @Override
    protected Request.Content proxyRequestContent(HttpServletRequest request, HttpServletResponse response, Request proxyRequest)
            throws IOException {
        // Read the client's body only once a backend connection is sending this request: if connecting fails,
        // not a byte has been consumed, and the request can still go to another backend.
        AsyncRequestContent content = new AsyncRequestContent();
        Exchange exchange = exchange(request);
        Runnable readBody = () -> {
            try {
                request.getInputStream().setReadListener(newReadListener(request, response, proxyRequest, content));
            } catch (IOException | RuntimeException e) {
                content.fail(e);
            }
        };
        proxyRequest.onRequestBegin(begun -> exchange.requestSent());
        if (ExpectContinue.asked(request.getHeader("Expect"))) {
            // With 100-continue, not before the backend wants the body: the first read is what sends the client
            // Jetty's 100 (Tomcat sends its own before the servlet runs, see README).
            ExpectContinue.expect(proxyRequest, getHttpClient(), readBody);
        } else {
            proxyRequest.onRequestBegin(begun -> readBody.run());
        }
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
        Balancer balancer = balancer();
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

    /**
     * A write to the client that fails, at once or later, is the client's failure: it went away.
     *
     * <p>A whole body that arrives as one chunk and fits in the container's response buffer is written in blocking
     * mode: the write copies into the buffer, and the container sends headers and body in one socket write once the
     * declared length is reached, less than a buffer (8 KiB in Tomcat), which the socket takes at once unless the
     * client stopped reading earlier answers. Switching the output to asynchronous mode instead costs a dispatch to a
     * container thread per response: in Tomcat 11 that was a third of the WAR's CPU per 100-byte answer (perf: 247
     * CPU-µs per request against 141 for Jetty's blocking {@code BalancerServlet}; 190 with this path). Anything else
     * streams asynchronously, each chunk flushed as it arrives: a slow client must not hold a client thread, and a
     * body cut short reaches the client as far as it came.
     */
    @Override
    protected void onResponseContent(HttpServletRequest request, HttpServletResponse response, Response proxyResponse,
                                     byte[] buffer, int offset, int length, Callback callback) {
        Exchange exchange = exchange(request);
        exchange.responseBytes(length);
        if (wholeBodyFitsInBuffer(response, proxyResponse, length)) {
            try {
                response.getOutputStream().write(buffer, offset, length);
            } catch (Throwable failure) {
                exchange.clientFailed(failure);
                callback.failed(failure);
                proxyResponse.abort(failure);
                return;
            }
            callback.succeeded();
            return;
        }
        super.onResponseContent(request, response, proxyResponse, buffer, offset, length, new Callback.Nested(callback) {
            @Override
            public void failed(Throwable failure) {
                exchange.clientFailed(failure);
                super.failed(failure);
            }
        });
    }

    /**
     * The chunk is the whole declared body (so it is the first and the last), strictly smaller than the buffer: a
     * buffer filled to the last byte may be written out at once, and that write could block.
     */
    private static boolean wholeBodyFitsInBuffer(HttpServletResponse response, Response proxyResponse, int chunk) {
        return chunk > 0 && chunk < response.getBufferSize()
                && chunk == proxyResponse.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    }

    /** Each chunk of the backend's response reaches the client as it arrives; see {@link FlushingWriter}. */
    @Override
    protected StreamWriter newWriteListener(HttpServletRequest request, Response proxyResponse) {
        return new FlushingWriter(request, proxyResponse, exchange(request));
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
        /** Body bytes still to come when the backend declared a Content-Length, else -1. */
        private long remaining;

        FlushingWriter(HttpServletRequest request, Response proxyResponse, Exchange exchange) {
            super(request, proxyResponse);
            this.request = request;
            this.exchange = exchange;
            this.remaining = proxyResponse.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        }

        /**
         * A chunk that completes a declared length needs no flush: the container sends it as it completes the
         * response. (Flushing it anyway made the container call back once more per response: 3.9k instead of
         * 4.7k req/s in Tomcat on the bench's 100-byte answers.)
         */
        @Override
        protected void data(byte[] bytes, int offset, int length, Callback callback) {
            this.buffer = bytes;
            this.offset = offset;
            this.length = length;
            this.callback = callback;
            if (remaining > 0) {
                remaining -= length;
            }
            this.flushing = remaining == 0; // nothing to flush for: the last chunk of a known length
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
}
