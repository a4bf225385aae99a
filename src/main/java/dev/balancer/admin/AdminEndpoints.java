package dev.balancer.admin;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.PoolSnapshot;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the admin API, below the admin prefix: {@code /} (page), {@code /status}, {@code /history}
 * (the last minutes per backend, for the page's charts), {@code /metrics},
 * {@code /health}, {@code POST /backends/{id}/drain|enable}, and adding, changing and removing backends
 * ({@link BackendChanges}). Everything answers JSON except page and metrics.
 */
final class AdminEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoints.class);
    static final String DRAINED = "drained by operator";
    static final String ENABLED = "enabled by operator";
    private static final Pattern ACTION = Pattern.compile("/backends/([^/]+)/(drain|enable)");
    private static final Pattern BACKEND = Pattern.compile("/backends/([^/]+)");

    private final BackendPool pool;
    private final PoolTelemetry telemetry;
    private final BalancerMetrics metrics;
    private final AdminAccess access;
    private final String strategy;
    private final StatusPage page = new StatusPage();
    private final BooleanSupplier shuttingDown;
    private final Removals removals;
    private final BackendChanges changes;
    private final History history;

    AdminEndpoints(BackendPool pool, PoolTelemetry telemetry, BalancerMetrics metrics, AdminAccess access, String strategy,
                   BooleanSupplier shuttingDown, Removals removals, boolean followsDns, History history) {
        this.history = history;
        this.shuttingDown = shuttingDown;
        this.removals = removals;
        this.changes = new BackendChanges(pool, telemetry, access, removals, followsDns);
        this.pool = pool;
        this.telemetry = telemetry;
        this.metrics = metrics;
        this.access = access;
        this.strategy = strategy;
    }

    /** @param path the request's path below the admin prefix: empty, or starting with '/' */
    void serve(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (path.isEmpty()) {
            // The page links relatively (page.js, status): it must be seen as a directory.
            response.sendRedirect(request.getRequestURI() + "/");
            return;
        }
        if (path.equals("/health")) {
            // Open to all: a readiness probe comes from the node, not loopback, and learns only up or down.
            if (readOnly(request, response)) {
                health(request, response);
            }
            return;
        }
        StatusPage.Asset asset = page.asset(path);
        if (asset != null) {
            // The page holds no data. With a token it is served to anyone and asks for the token itself;
            // without one it is as loopback-only as the rest.
            if ((access.hasToken() || allowed(request, response)) && readOnly(request, response)) {
                servePage(request, response, asset);
            }
            return;
        }
        if (!allowed(request, response)) {
            return;
        }
        Matcher action = ACTION.matcher(path);
        Matcher backend = BACKEND.matcher(path);
        if (path.equals("/status")) {
            if (readOnly(request, response)) {
                send(request, response, 200, "application/json", PoolStatus.of(telemetry, metrics, strategy).toJson());
            }
        } else if (path.equals("/history")) {
            if (readOnly(request, response)) {
                send(request, response, 200, "application/json", history.toJson());
            }
        } else if (path.equals("/metrics")) {
            if (readOnly(request, response)) {
                metrics(request, response);
            }
        } else if (action.matches()) {
            act(request, response, action.group(1), action.group(2));
        } else if (path.equals("/backends")) {
            if (changing(request, response, "POST")) {
                changes.add(request, response);
            }
        } else if (backend.matches()) {
            if (changing(request, response, "PATCH, DELETE")) {
                if (request.getMethod().equals("PATCH")) {
                    changes.change(request, response, backend.group(1));
                } else {
                    changes.remove(request, response, backend.group(1));
                }
            }
        } else {
            error(request, response, 404, "no admin endpoint " + path);
        }
    }

    /** Readiness: up while a backend is available, unless a stop began (then load balancers must look elsewhere). */
    private void health(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int available = pool.snapshot().available().size();
        boolean stopping = shuttingDown.getAsBoolean();
        String status = stopping ? "shutting down" : available > 0 ? "up" : "down";
        String body = new Json().beginObject().field("status", status).field("available", available).endObject().toString();
        send(request, response, !stopping && available > 0 ? 200 : 503, "application/json", body);
    }

    private void metrics(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        metrics.write(out);
        send(request, response, 200, BalancerMetrics.CONTENT_TYPE, out.toByteArray());
    }

    private void act(HttpServletRequest request, HttpServletResponse response, String id, String action) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            error(request, response, 405, action + " takes POST");
            return;
        }
        if (AdminAccess.isCrossSite(request)) {
            error(request, response, 403, "cross-site admin request refused");
            return;
        }
        Optional<Backend> found = pool.find(id);
        if (found.isEmpty()) {
            error(request, response, 404, "no backend " + id);
            return;
        }
        Backend backend = found.get();
        if (action.equals("enable") && removals.isLeaving(backend)) {
            error(request, response, 409, "backend " + id + " is being removed");
            return;
        }
        boolean changed = action.equals("drain")
                ? pool.transition(backend, BackendStatus.DRAINING, DRAINED)
                : pool.transition(backend, BackendStatus.HEALTHY, ENABLED);
        // The pool logs the transition; this line says who asked for it.
        LOG.info("[{}] {} of backend {} requested from {}{}", pool.name(), action, id, request.getRemoteAddr(),
                changed ? "" : " (no change)");
        String entry = report(telemetry, backend);
        if (entry == null) {
            error(request, response, 404, "no backend " + id + " (it left the pool)"); // discovery removed it meanwhile
            return;
        }
        send(request, response, 200, "application/json", entry);
    }

    /** The backend's entry of the status JSON, or null when it is no longer a member. */
    static String report(PoolTelemetry telemetry, Backend backend) {
        PoolSnapshot now = telemetry.pool().snapshot();
        BackendStats stats = telemetry.stats(backend);
        return now.state(backend) == null || stats == null ? null
                : PoolStatus.BackendReport.of(now, backend, stats, telemetry.nanoTime()).toJson();
    }

    /** Answers 405 or 403 and returns false unless the method is one of {@code allowed} and the request same-site. */
    private static boolean changing(HttpServletRequest request, HttpServletResponse response, String allowed)
            throws IOException {
        if (!List.of(allowed.split(", ")).contains(request.getMethod())) {
            response.setHeader("Allow", allowed);
            error(request, response, 405, "only " + allowed + " here");
            return false;
        }
        if (AdminAccess.isCrossSite(request)) {
            error(request, response, 403, "cross-site admin request refused");
            return false;
        }
        return true;
    }

    /** Answers 401/403 and returns false unless the client may use the guarded endpoints. */
    private boolean allowed(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (access.check(request)) {
            case ALLOWED -> {
                return true;
            }
            case UNAUTHORIZED -> {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"balancer\"");
                error(request, response, 401, "admin endpoints need Authorization: Bearer <adminToken>");
            }
            default -> error(request, response, 403, "admin endpoints answer loopback clients only (set adminToken to open them)");
        }
        return false;
    }

    /** Answers 405 and returns false unless the method is GET or HEAD. */
    private static boolean readOnly(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        response.setHeader("Allow", "GET, HEAD");
        error(request, response, 405, "only GET and HEAD here");
        return false;
    }

    private static void servePage(HttpServletRequest request, HttpServletResponse response, StatusPage.Asset asset)
            throws IOException {
        response.setHeader("Content-Security-Policy", StatusPage.CONTENT_SECURITY_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        send(request, response, 200, asset.contentType(), asset.body());
    }

    static void error(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        send(request, response, status, "application/json", new Json().beginObject().field("error", message).endObject().toString());
    }

    static void send(HttpServletRequest request, HttpServletResponse response, int status, String contentType,
                     String body) throws IOException {
        send(request, response, status, contentType, (body + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpServletRequest request, HttpServletResponse response, int status, String contentType,
                             byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(body);
        }
    }
}
