package dev.balancer.admin;

import dev.balancer.backend.BackendPool;
import dev.balancer.config.AdminSettings;
import dev.balancer.strategy.ClientRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Operability of one balancer: the admin endpoints under {@code adminPath} (status page, status JSON,
 * Prometheus metrics, health, drain/enable), the telemetry behind them, and the access log. The servlet asks
 * {@link #handle} first for every request and reports every finished request to {@link #requestEnded}.
 *
 * <p>The admin path is relative to where the servlet is mapped: with the servlet at {@code /api/*} the status
 * page is {@code /api/_balancer/}. With {@code admin=false} nothing is served, nothing is measured, and those
 * paths are proxied like any other.
 */
public final class Admin {
    private final String prefix;
    private final AdminEndpoints endpoints;
    private final BalancerMetrics metrics;
    /** Null with {@code accessLog=false}. */
    private final AccessLog accessLog;
    private final boolean trustForwardedFor;
    /** Null with {@code admin=false}. */
    private final Removals removals;
    /** Null with {@code admin=false}. */
    private final History history;

    /**
     * @param trustForwardedFor whether the access log shows the client from X-Forwarded-For
     * @param strategy          the strategy's name, for the status page
     * @param shuttingDown      whether the balancer is stopping: health then answers 503 whatever the backends
     * @param followsDns        whether discovery owns the member set (the admin API then refuses to change it)
     * @param removalTimeout    how long a removed backend's requests in flight keep it listed ({@code shutdownTimeout})
     */
    public Admin(AdminSettings settings, boolean trustForwardedFor, String strategy, BackendPool pool, BooleanSupplier shuttingDown,
                 boolean followsDns, Duration removalTimeout) {
        this.prefix = settings.path();
        this.accessLog = settings.accessLog() ? new AccessLog(settings.accessLogFormat()) : null;
        this.trustForwardedFor = trustForwardedFor;
        if (settings.enabled()) {
            metrics = new BalancerMetrics(pool.name(), pool::snapshot);
            PoolTelemetry telemetry = new PoolTelemetry(pool, metrics, System::nanoTime);
            removals = new Removals(pool, removalTimeout);
            history = new History(telemetry, pool.clock());
            endpoints = new AdminEndpoints(pool, telemetry, metrics, new AdminAccess(settings.token()), strategy, shuttingDown,
                    removals, followsDns, history);
        } else {
            metrics = null;
            endpoints = null;
            removals = null;
            history = null;
        }
    }

    /** Timers (a removed backend's deadline, history samples) run on the proxy client's scheduler from now on. */
    public void start(Scheduler scheduler) {
        if (removals != null) {
            removals.start(scheduler);
            history.start(scheduler);
        }
    }

    /** Serves the request when its path is under the admin prefix and admin is on; false leaves it to the proxy. */
    public boolean handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (endpoints == null) {
            return false;
        }
        // Below the servlet's mapping: pathInfo for a prefix mapping (/api/*, /*), servletPath for the default one (/).
        String path = request.getPathInfo() != null ? request.getPathInfo() : request.getServletPath();
        if (!serves(path)) {
            return false;
        }
        endpoints.serve(path.substring(prefix.length()), request, response);
        return true;
    }

    /** Whether the path (below where the balancer is mounted) is an admin endpoint's. */
    public boolean serves(String path) {
        return endpoints != null && path.startsWith(prefix)
                && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    /** Whether {@link #requestEnded} does anything; when not, the servlet need not track request ends at all. */
    public boolean tracksRequests() {
        return metrics != null || accessLog != null;
    }

    /** Publishes the expiry of the certificate a TLS listener serves (the runnable jar's HTTPS port); asked at every scrape. */
    public void certificateExpiry(Supplier<Instant> notAfter) {
        if (metrics != null) {
            metrics.certificateExpiry(notAfter);
        }
    }

    /** A WebSocket tunnel opened (the backend answered 101). */
    public void tunnelOpened() {
        if (metrics != null) {
            metrics.tunnelOpened();
        }
    }

    /** A WebSocket tunnel closed, from either side. */
    public void tunnelClosed() {
        if (metrics != null) {
            metrics.tunnelClosed();
        }
    }

    /** {@code bytes} crossed a tunnel: client to backend when {@code upstream}, else backend to client. */
    public void tunnelBytes(boolean upstream, int bytes) {
        if (metrics != null) {
            metrics.tunnelBytes(upstream, bytes);
        }
    }

    /**
     * A client request was answered (by a backend or by the balancer itself).
     *
     * @param requestId the request's id, as the backend and the client saw it
     * @param backend the backend that answered last, or null when none was tried
     * @param bytes   response body bytes sent to the client
     * @param retries attempts after the first
     * @param clientAborted the client went away before the exchange was over (counted apart, never against a backend)
     */
    public void requestEnded(ClientRequest request, String requestId, int status, String backend, long bytes,
                             long durationNanos, int retries, boolean clientAborted) {
        if (metrics != null) {
            metrics.requestEnded(status, retries, clientAborted);
        }
        if (accessLog != null && AccessLog.enabled()) {
            String query = request.query();
            String uri = query == null ? request.path() : request.path() + "?" + query;
            Instant start = Instant.now().minusNanos(durationNanos);
            accessLog.log(new AccessLog.Entry(request.clientIp(trustForwardedFor), request.method(), uri, request.protocol(),
                    status, backend, bytes, durationNanos, retries, clientAborted, requestId, request.header("Referer"),
                    request.header("User-Agent"), start));
        }
    }

    /** A configuration reload was refused: the new configuration is invalid, so nothing changed. */
    public void configReloadFailed() {
        if (metrics != null) {
            metrics.configReloadFailed();
        }
    }

    /** A retry was refused because retries in flight reached {@code retryBudget}. */
    public void retryRefused() {
        if (metrics != null) {
            metrics.retryRefused();
        }
    }
}
