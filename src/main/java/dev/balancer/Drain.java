package dev.balancer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The balancer's side of a graceful stop: whether it is shutting down (readiness reports 503 from then on), and the
 * proxied requests it still owes an answer. A proxied request leaves the handling thread long before it is
 * answered, so a container may stop the balancer while requests are in flight; {@link #await} lets them finish first.
 */
final class Drain {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean shuttingDown;

    void started() {
        inFlight.incrementAndGet();
    }

    /** The proxied request was answered or failed, whatever the outcome. */
    void ended() {
        if (inFlight.decrementAndGet() == 0 && shuttingDown) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Returns true the first time only. */
    synchronized boolean begin() {
        if (shuttingDown) {
            return false;
        }
        shuttingDown = true;
        return true;
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Waits until no proxied request is in flight, or the timeout passed; returns whether none is left. */
    synchronized boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); inFlight.get() > 0 && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
        return inFlight.get() == 0;
    }
}
