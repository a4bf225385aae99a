package dev.balancer;

import dev.balancer.backend.Backend;
import dev.balancer.backend.Failures;
import dev.balancer.config.RetrySettings;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;

/**
 * Whether a request goes to another backend after an attempt, after Envoy's retry policy: what is retried
 * ({@code retryOn}, {@code perTryTimeout}), what is safe to send twice, how many tries ({@code retries}), how long to
 * wait (jittered back-off), and a budget that keeps retries from multiplying an outage ({@code retryBudget}).
 *
 * <p>Safe to send again: nothing reached the backend (connect failed, or the request never began sending), or an
 * idempotent request without a body (a body streams from the client and cannot be replayed). A POST whose body
 * left is never sent twice.
 */
final class RetryPolicy {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    /** Envoy's default back-off: 25 ms base, doubling per retry, at most 10 times the base; full jitter. */
    private static final long BASE_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final long MAX_BACKOFF_NANOS = 10 * BASE_BACKOFF_NANOS;

    private final RetrySettings settings;
    private final IntSupplier requestsInFlight;
    /** Another backend for the exchange, or null; chooses outside the strategy (see {@link Balancer}). */
    private final BiFunction<Exchange, String, Backend> nextBackend;
    private final Runnable refusedByBudget;
    private final AtomicInteger retriesInFlight = new AtomicInteger();

    RetryPolicy(RetrySettings settings, IntSupplier requestsInFlight, BiFunction<Exchange, String, Backend> nextBackend,
                Runnable refusedByBudget) {
        this.settings = settings;
        this.requestsInFlight = requestsInFlight;
        this.nextBackend = nextBackend;
        this.refusedByBudget = refusedByBudget;
    }

    /** The attempt failed before any answer: the backend to try next, or null. */
    Backend afterFailure(Exchange exchange, Throwable failure) {
        if (exchange.responseBegan()) {
            return null;
        }
        boolean retried;
        if (failure instanceof TimeoutException) {
            retried = !settings.perTryTimeout().isZero() && safeToResend(exchange);
        } else if (!exchange.wasSent() || Failures.isConnectFailure(failure)) {
            retried = settings.onConnectFailure();
        } else {
            retried = settings.onReset() && safeToResend(exchange);
        }
        return retried ? next(exchange, Failures.describe(failure)) : null;
    }

    /** The backend answered {@code status}: the backend to try instead, or null to pass the answer on. */
    Backend afterAnswer(Exchange exchange, int status) {
        return settings.statuses().contains(status) && safeToResend(exchange) ? next(exchange, "answered " + status) : null;
    }

    /** The time the current attempt has to its response headers. */
    long attemptTimeoutNanos(long responseTimeoutNanos) {
        long perTry = settings.perTryTimeout().toNanos();
        return perTry > 0 ? Math.min(perTry, responseTimeoutNanos) : responseTimeoutNanos;
    }

    /**
     * How long to wait before the retry: none after a connect failure (nothing reached any backend, and another one
     * is ready), else Envoy's jittered exponential back-off, so retries of many requests do not arrive in step.
     */
    long backoffNanos(Exchange exchange, boolean connectFailure) {
        if (connectFailure) {
            return 0;
        }
        long cap = Math.min(MAX_BACKOFF_NANOS, BASE_BACKOFF_NANOS << Math.min(10, exchange.retries() - 1));
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

    /** The exchange's current attempt, a retry, is over: its place in the budget is free again. */
    void attemptEnded(Exchange exchange) {
        if (exchange.retries() > 0) {
            retriesInFlight.decrementAndGet();
        }
    }

    private boolean safeToResend(Exchange exchange) {
        return IDEMPOTENT.contains(exchange.request().method()) && !exchange.hasBody();
    }

    private Backend next(Exchange exchange, String why) {
        if (exchange.retries() >= settings.retries()) {
            return null;
        }
        if (!withinBudget()) {
            refusedByBudget.run();
            return null;
        }
        Backend next = nextBackend.apply(exchange, why);
        if (next == null) {
            retriesInFlight.decrementAndGet();
        }
        return next;
    }

    /** Envoy's retry budget: retries in flight at most budgetPercent of the requests in flight, never fewer than {@link RetrySettings#MIN_RETRY_CONCURRENCY}. */
    private boolean withinBudget() {
        int limit = Math.max(RetrySettings.MIN_RETRY_CONCURRENCY, requestsInFlight.getAsInt() * settings.budgetPercent() / 100);
        while (true) {
            int current = retriesInFlight.get();
            if (current >= limit) {
                return false;
            }
            if (retriesInFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }
}
