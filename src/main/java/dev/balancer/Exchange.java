package dev.balancer;

import dev.balancer.backend.Backend;
import dev.balancer.strategy.ClientRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client request on its way through the balancer: the backends tried, and how far the current attempt got.
 * The front end reports what happens to it ({@link #requestSent}, {@link #responseBegan}, {@link #clientFailed},
 * {@link #responseBytes}); the core reads it to decide what comes next ({@link Balancer#attemptFailed}).
 */
public final class Exchange {
    private final ClientRequest request;
    private final String requestId;
    private final boolean hasBody;
    private final long startNanos = System.nanoTime();
    private final List<Backend> tried = new ArrayList<>(2);
    private final AtomicBoolean ended = new AtomicBoolean();
    private Backend backend;
    private long attemptStartNanos;
    /** The current attempt reached a backend connection and began sending (so the body may have left). */
    private volatile boolean requestSent;
    /** The backend's status once the current attempt got a status line back; 0 before. */
    private volatile int responseStatus;
    /** The client side failed (went away, broken or oversized body): nothing to retry, nothing to blame the backend for. */
    private volatile Throwable clientFailure;
    /** Why the last attempt failed, for the error message. */
    private volatile Throwable failure;
    /** How long the backend took to answer 101, once the exchange became a tunnel; 0 before. */
    private long handshakeNanos;
    /** Body bytes of the backend's response streamed to the client; written by the one thread streaming it. */
    private long responseBytes;

    Exchange(ClientRequest request, String requestId, boolean hasBody, Backend first) {
        this.request = request;
        this.requestId = requestId;
        this.hasBody = hasBody;
        attempt(first);
    }

    void attempt(Backend next) {
        backend = next;
        tried.add(next);
        requestSent = false;
        responseStatus = 0;
        attemptStartNanos = System.nanoTime();
    }

    /** The backend of the current attempt. */
    public Backend backend() {
        return backend;
    }

    public ClientRequest request() {
        return request;
    }

    /** The request's id, as the backend, the client and the access log see it. */
    public String requestId() {
        return requestId;
    }

    /** Attempts after the first. */
    public int retries() {
        return tried.size() - 1;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The current attempt began sending to its backend: from now on its body may have left. */
    public void requestSent() {
        requestSent = true;
    }

    /** The current attempt's backend answered with a status line. */
    public void responseBegan(int status) {
        responseStatus = status;
    }

    /** The client went away or sent a broken or oversized body; the first such failure is kept. */
    public void clientFailed(Throwable cause) {
        if (clientFailure == null) {
            clientFailure = cause;
        }
    }

    /**
     * The client went away (mid-upload or mid-download) or broke its body: a client abort, never the backend's
     * fault. A body over the limit is the client's fault too, but answered 413, not an abort.
     */
    public boolean clientAborted() {
        return clientFailure != null && !(clientFailure instanceof BodyTooLarge);
    }

    /** {@code length} more bytes of the backend's response body went to the client. */
    public void responseBytes(int length) {
        responseBytes += length;
    }

    /** Body bytes sent to the client: those streamed from the backend, else the length of the answer written instead. */
    public long bytesSent(long contentLength) {
        return responseBytes > 0 ? responseBytes : Math.max(0, contentLength);
    }

    boolean tried(Backend candidate) {
        return tried.contains(candidate);
    }

    /** Whether the client's request has a body to forward (declared, chunked, or an open HTTP/2 stream). */
    public boolean hasBody() {
        return hasBody;
    }

    boolean wasSent() {
        return requestSent;
    }

    /** Whether the current attempt's backend has answered with a status line. */
    public boolean responseBegan() {
        return responseStatus != 0;
    }

    int responseStatus() {
        return responseStatus;
    }

    Throwable clientFailure() {
        return clientFailure;
    }

    Throwable failure() {
        return failure;
    }

    void failure(Throwable cause) {
        failure = cause;
    }

    /** True the first time only: the front end may learn of the end more than one way. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    long attemptNanos() {
        return System.nanoTime() - attemptStartNanos;
    }

    /** The backend answered 101: the attempt's latency is the handshake's, not the tunnel's lifetime. */
    void tunnelled() {
        handshakeNanos = attemptNanos();
    }

    long handshakeNanos() {
        return handshakeNanos;
    }
}
