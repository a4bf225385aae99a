package dev.balancer;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendPool;
import dev.balancer.backend.PoolSnapshot;
import dev.balancer.strategy.ClientRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Sticky sessions ({@code stickyCookie=NAME}), with any strategy. A backend's response carries a cookie naming that
 * backend, and a request carrying the cookie goes to it while it is available; otherwise the strategy picks as usual
 * and the response replaces the cookie.
 *
 * <p>The cookie holds an opaque id derived from the backend's URL alone (a truncated SHA-256), never the address and
 * never anything random: a restarted balancer, or another replica with the same backends, reads it the same way.
 */
final class StickySessions {
    private static final int ID_BYTES = 16;

    private final String cookieName;
    private final BackendPool pool;
    private volatile Index index;

    /** The ids of one snapshot's available backends, computed once per snapshot instead of hashing per request. */
    private record Index(PoolSnapshot snapshot, Map<String, Backend> byId, Map<Backend, String> idOf) {
        static Index of(PoolSnapshot snapshot) {
            Map<String, Backend> byId = new HashMap<>();
            Map<Backend, String> idOf = new HashMap<>();
            for (Backend backend : snapshot.available()) {
                String id = id(backend);
                byId.put(id, backend);
                idOf.put(backend, id);
            }
            return new Index(snapshot, Map.copyOf(byId), Map.copyOf(idOf));
        }
    }

    StickySessions(String cookieName, BackendPool pool) {
        this.cookieName = cookieName;
        this.pool = pool;
        this.index = Index.of(pool.snapshot());
    }

    /** The available backend the request's cookie names, or null when it has none or that backend is unavailable. */
    Backend pinned(ClientRequest request, PoolSnapshot snapshot) {
        String id = request.cookie(cookieName);
        return id == null ? null : index(snapshot).byId().get(id);
    }

    /**
     * On a backend's response: the {@code Set-Cookie} value naming the backend, or null when the request already
     * named it.
     *
     * @param path the cookie's path: where the balancer is mounted
     */
    String setCookie(ClientRequest request, Backend backend, String path, boolean secure) {
        String id = index(pool.snapshot()).idOf().get(backend);
        if (id == null) {
            id = id(backend); // it left the available set while this request was in flight
        }
        if (id.equals(request.cookie(cookieName))) {
            return null;
        }
        return cookieName + "=" + id + "; Path=" + path + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    /** Racing threads may both rebuild after a change; either result is right, so no lock is needed. */
    private Index index(PoolSnapshot snapshot) {
        Index current = index;
        if (current.snapshot() != snapshot) {
            current = Index.of(snapshot);
            index = current;
        }
        return current;
    }

    /**
     * The backend's cookie value: 128 bits of SHA-256 over its URL, base64url. Not reversible, the same everywhere.
     * It hides the address from a casual reader; someone able to guess candidate URLs could still test them, so it is
     * no secret and grants nothing: a forged id only picks a backend the client could reach through the balancer anyway.
     */
    static String id(Backend backend) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("balancer sticky " + backend.baseUrl()).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, ID_BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
