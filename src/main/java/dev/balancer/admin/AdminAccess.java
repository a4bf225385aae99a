package dev.balancer.admin;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Who may use the admin endpoints. Without {@code adminToken}: loopback clients only, judged by the connection's
 * peer address (never by X-Forwarded-For, which a client can write). With a token: anyone presenting
 * {@code Authorization: Bearer <token>}, loopback included.
 */
final class AdminAccess {
    enum Verdict { ALLOWED, UNAUTHORIZED, FORBIDDEN }

    private static final String BEARER = "bearer ";
    /** SHA-256 of the token, or null without one. */
    private final byte[] tokenDigest;

    AdminAccess(String token) {
        this.tokenDigest = token == null ? null : sha256(token);
    }

    boolean hasToken() {
        return tokenDigest != null;
    }

    Verdict check(HttpServletRequest request) {
        if (tokenDigest == null) {
            return isLoopback(request.getRemoteAddr()) ? Verdict.ALLOWED : Verdict.FORBIDDEN;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Verdict.UNAUTHORIZED;
        }
        // Digests of equal length, compared in constant time: neither the token's content nor its length leaks.
        byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
        return MessageDigest.isEqual(tokenDigest, presented) ? Verdict.ALLOWED : Verdict.UNAUTHORIZED;
    }

    /**
     * A browser sends a page's origin with cross-site requests; an admin action from another site (a form or
     * script on some web page the operator visits) is refused, so loopback-only access cannot be used by CSRF.
     */
    static boolean isCrossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return true;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String host = request.getHeader("Host");
        String lower = origin.toLowerCase(Locale.ROOT);
        return host == null || !(lower.equals("http://" + host.toLowerCase(Locale.ROOT))
                || lower.equals("https://" + host.toLowerCase(Locale.ROOT)));
    }

    /** True for 127.0.0.0/8 and ::1 (also IPv4-mapped); only IP literals are parsed, never a name resolved. */
    static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%')) {
                return false; // a host name: do not resolve it
            }
        }
        if (literal.indexOf(':') < 0 && !literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
