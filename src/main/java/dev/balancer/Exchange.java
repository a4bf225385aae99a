package dev.balancer;

import dev.balancer.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** What one client request went through: the backends tried, and how far the current attempt got. */
final class Exchange {
    static final String ATTRIBUTE = Exchange.class.getName();

    private final long startNanos = System.nanoTime();
    private final List<Backend> tried = new ArrayList<>(2);
    private Backend backend;
    private long attemptStartNanos;
    /** The current attempt reached a backend connection and began sending (so the body may have left). */
    volatile boolean requestBegan;
    /** The current attempt got at least a status line back. */
    volatile boolean responseBegan;
    /** The client side failed (went away, broken body): nothing to retry, nothing to blame the backend for. */
    volatile Throwable clientFailure;
    Throwable failure;
    /** Body bytes of the backend's response streamed to the client; written by the one thread streaming it. */
    long responseBytes;
    private final AtomicBoolean ended = new AtomicBoolean();

    Exchange(Backend first) {
        attempt(first);
    }

    void attempt(Backend next) {
        backend = next;
        tried.add(next);
        requestBegan = false;
        responseBegan = false;
        attemptStartNanos = System.nanoTime();
    }

    Backend backend() {
        return backend;
    }

    boolean tried(Backend candidate) {
        return tried.contains(candidate);
    }

    int retries() {
        return tried.size() - 1;
    }

    long startNanos() {
        return startNanos;
    }

    /** True the first time only: the front end may learn of the end more than one way. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    long attemptNanos() {
        return System.nanoTime() - attemptStartNanos;
    }
}
