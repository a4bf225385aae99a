package dev.balancer.admin;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.config.BackendSpec;
import dev.balancer.config.ConfigException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API that changes the member set: {@code POST /backends} adds one, {@code PATCH /backends/{id}} changes
 * its weight or backup flag, {@code DELETE /backends/{id}} drains it and forgets it once idle ({@link Removals}).
 * Each change is one new pool snapshot; backends it does not touch keep their state, counters and latency. With
 * DNS discovery the pool follows DNS, so all three are refused (409): a change would be undone, or fight, at the next
 * resolution. Every change is logged with who asked (never the token itself).
 */
final class BackendChanges {
    private static final Logger LOG = LoggerFactory.getLogger(BackendChanges.class);
    static final String REMOVED = "removed by operator";
    private static final int MAX_BODY = 16 * 1024;
    private static final Set<String> ADD_FIELDS = Set.of("url", "weight", "backup");
    private static final Set<String> CHANGE_FIELDS = Set.of("weight", "backup");

    private final BackendPool pool;
    private final PoolTelemetry telemetry;
    private final AdminAccess access;
    private final Removals removals;
    private final boolean followsDns;

    BackendChanges(BackendPool pool, PoolTelemetry telemetry, AdminAccess access, Removals removals, boolean followsDns) {
        this.pool = pool;
        this.telemetry = telemetry;
        this.access = access;
        this.removals = removals;
        this.followsDns = followsDns;
    }

    /** {@code POST /backends}: {@code {"url": "...", "weight": N, "backup": false}}, answered 201 with the new entry. */
    void add(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> body = refusedWithDns(request, response) ? null : body(request, response, ADD_FIELDS);
        if (body == null) {
            return;
        }
        if (!(body.get("url") instanceof String url) || url.isBlank() || url.chars().anyMatch(Character::isWhitespace)) {
            AdminEndpoints.error(request, response, 400,
                    "url is required: one URL such as \"http://10.0.0.5:8080\" (no spaces, no options)");
            return;
        }
        Backend added;
        try {
            BackendSpec parsed = BackendSpec.parse(url);
            Integer weight = weight(request, response, body, 1);
            Boolean backup = backup(request, response, body, false);
            if (weight == null || backup == null) {
                return;
            }
            added = pool.add(new BackendSpec(parsed.url(), weight, backup, false));
        } catch (ConfigException e) {
            String message = e.getMessage();
            AdminEndpoints.error(request, response, 400, "bad url '" + url + "': " + message.substring(message.indexOf("': ") + 3));
            return;
        } catch (IllegalArgumentException e) {
            AdminEndpoints.error(request, response, 400, e.getMessage()); // a duplicate
            return;
        }
        LOG.info("[{}] backend {} added, requested by {}", pool.name(), added.spec(), who(request));
        response.setHeader("Location", request.getRequestURI() + "/" + added.id());
        answer(request, response, 201, added);
    }

    /** {@code PATCH /backends/{id}}: {@code {"weight": N}} and/or {@code {"backup": true}}, answered 200. */
    void change(HttpServletRequest request, HttpServletResponse response, String id) throws IOException {
        Map<String, Object> body = refusedWithDns(request, response) ? null : body(request, response, CHANGE_FIELDS);
        Backend backend = body == null ? null : member(request, response, id);
        if (backend == null) {
            return;
        }
        if (body.isEmpty()) {
            AdminEndpoints.error(request, response, 400, "nothing to change: give weight, backup or both");
            return;
        }
        Integer weight = weight(request, response, body, backend.weight());
        Boolean backup = weight == null ? null : backup(request, response, body, backend.isBackup());
        if (backup == null) {
            return;
        }
        if (!pool.reconfigure(backend, weight, backup)) {
            AdminEndpoints.error(request, response, 404, "no backend " + id + " (it left the pool)");
            return;
        }
        LOG.info("[{}] backend {} set to weight {}{}, requested by {}", pool.name(), id, weight, backup ? " backup" : "",
                who(request));
        answer(request, response, 200, backend);
    }

    /** {@code DELETE /backends/{id}}: drains it at once and answers 202; it is forgotten once idle. */
    void remove(HttpServletRequest request, HttpServletResponse response, String id) throws IOException {
        Backend backend = refusedWithDns(request, response) ? null : member(request, response, id);
        if (backend == null) {
            return;
        }
        pool.transition(backend, BackendStatus.DRAINING, REMOVED);
        LOG.info("[{}] removal of backend {} requested by {}: draining {} requests in flight", pool.name(), id,
                who(request), backend.inFlight());
        // The entry as it is now (draining), before the removal may forget it.
        String entry = AdminEndpoints.report(telemetry, backend);
        removals.begin(backend);
        if (entry == null) {
            AdminEndpoints.error(request, response, 404, "no backend " + id + " (it left the pool)");
        } else {
            AdminEndpoints.send(request, response, 202, "application/json", entry);
        }
    }

    /** A current member not already on its way out, or null after answering 404 or 409. */
    private Backend member(HttpServletRequest request, HttpServletResponse response, String id) throws IOException {
        Optional<Backend> found = pool.find(id);
        if (found.isEmpty()) {
            AdminEndpoints.error(request, response, 404, "no backend " + id);
            return null;
        }
        if (removals.isLeaving(found.get())) {
            AdminEndpoints.error(request, response, 409, "backend " + id + " is being removed");
            return null;
        }
        return found.get();
    }

    private boolean refusedWithDns(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (followsDns) {
            AdminEndpoints.error(request, response, 409,
                    "the pool follows DNS (discovery=dns): change the DNS records (the Service's pods), not the pool");
        }
        return followsDns;
    }

    /** The JSON object of the body, or null after answering 400, 413 or 415. */
    private static Map<String, Object> body(HttpServletRequest request, HttpServletResponse response, Set<String> fields)
            throws IOException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            AdminEndpoints.error(request, response, 415, "send the body as Content-Type: application/json");
            return null;
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            AdminEndpoints.error(request, response, 413, "body over " + MAX_BODY + " bytes");
            return null;
        }
        Map<String, Object> body;
        try {
            body = JsonBody.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            AdminEndpoints.error(request, response, 400, e.getMessage());
            return null;
        }
        for (String name : body.keySet()) {
            if (!fields.contains(name)) {
                AdminEndpoints.error(request, response, 400, "unknown field '" + name + "'; allowed: "
                        + String.join(", ", fields.stream().sorted().toList()));
                return null;
            }
        }
        return body;
    }

    private static Integer weight(HttpServletRequest request, HttpServletResponse response, Map<String, Object> body,
                                  int otherwise) throws IOException {
        if (!body.containsKey("weight")) {
            return otherwise;
        }
        if (body.get("weight") instanceof Long weight && weight >= 1 && weight <= BackendSpec.MAX_WEIGHT) {
            return weight.intValue();
        }
        AdminEndpoints.error(request, response, 400, "weight must be an integer from 1 to " + BackendSpec.MAX_WEIGHT
                + ", not " + body.get("weight"));
        return null;
    }

    private static Boolean backup(HttpServletRequest request, HttpServletResponse response, Map<String, Object> body,
                                  boolean otherwise) throws IOException {
        if (!body.containsKey("backup")) {
            return otherwise;
        }
        if (body.get("backup") instanceof Boolean backup) {
            return backup;
        }
        AdminEndpoints.error(request, response, 400, "backup must be true or false, not " + body.get("backup"));
        return null;
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, int status, Backend backend)
            throws IOException {
        String entry = AdminEndpoints.report(telemetry, backend);
        if (entry == null) {
            AdminEndpoints.error(request, response, 404, "no backend " + backend.id() + " (it left the pool)");
        } else {
            AdminEndpoints.send(request, response, status, "application/json", entry);
        }
    }

    /** Who asked, for the log: a token holder or a loopback client, with the peer address; never the token. */
    private String who(HttpServletRequest request) {
        return (access.hasToken() ? "adminToken holder at " : "loopback client ") + request.getRemoteAddr();
    }
}
