package dev.balancer;

import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Which headers cross the proxy, for both front ends: hop-by-hop headers (and those a Connection header names)
 * stay on their hop, X-Forwarded-* are ours to set.
 */
public final class ProxyHeaders {
    /**
     * Request headers never copied to the backend: hop-by-hop, ours to set, or ones we handle ourselves (Expect:
     * {@link ExpectContinue} sets it when the client asked for 100-continue and a body follows).
     */
    private static final Set<String> NOT_FORWARDED = caseInsensitive(List.of("connection", "keep-alive",
            "proxy-authorization", "proxy-authenticate", "proxy-connection", "transfer-encoding", "te", "trailer",
            "upgrade", "expect", "x-forwarded-proto", "x-forwarded-host", "forwarded"));
    /** Response headers of the backend's hop, never passed to the client. */
    private static final Set<String> HOP_BY_HOP = caseInsensitive(List.of("connection", "keep-alive",
            "proxy-authenticate", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"));

    /** The only protocol tunnelled, as the Upgrade header names it. */
    public static final String WEBSOCKET = "websocket";

    private final boolean preserveHost;
    private final boolean trustForwardedFor;
    private final String requestIdHeader;

    ProxyHeaders(boolean preserveHost, boolean trustForwardedFor, String requestIdHeader) {
        this.preserveHost = preserveHost;
        this.trustForwardedFor = trustForwardedFor;
        this.requestIdHeader = requestIdHeader;
    }

    /**
     * Whether the client's request header goes to the backend. The request id header never does as the client sent
     * it: the front end sets it once, to the id the balancer kept or made (a client may have sent several).
     */
    public boolean forwards(String name, Set<String> connectionListed) {
        return !NOT_FORWARDED.contains(name) && !connectionListed.contains(name)
                && (preserveHost || !name.equalsIgnoreCase("host"))
                && (trustForwardedFor || !name.equalsIgnoreCase("x-forwarded-for"))
                && !name.equalsIgnoreCase(requestIdHeader);
    }

    /** The header names listed by Connection header values (RFC 9110 7.6.1); empty without any. */
    public static Set<String> connectionListed(Enumeration<String> values) {
        if (values == null || !values.hasMoreElements()) {
            return Set.of();
        }
        Set<String> names = caseInsensitive(List.of());
        while (values.hasMoreElements()) {
            for (String name : values.nextElement().split(",")) {
                names.add(name.trim());
            }
        }
        return names;
    }

    /**
     * Whether the client asks for a WebSocket tunnel (RFC 6455 4.1: {@code GET}, {@code Upgrade: websocket},
     * {@code Connection: Upgrade}; the front end checks the request is HTTP/1.1). Such a handshake is forwarded with
     * {@code Upgrade: websocket} and {@code Connection: Upgrade} to one backend, and a 101 turns it into a tunnel.
     * Any other Upgrade ({@code h2c}, ...) is dropped like every hop-by-hop header: the request is answered as HTTP/1.1.
     */
    public static boolean isWebSocketUpgrade(String method, String upgrade, Set<String> connectionListed) {
        if (upgrade == null || !"GET".equals(method) || !connectionListed.contains("upgrade")) {
            return false;
        }
        for (String protocol : upgrade.split(",")) {
            if (protocol.trim().equalsIgnoreCase(WEBSOCKET)) {
                return true;
            }
        }
        return false;
    }

    /** X-Forwarded-For/-Proto/-Host, as nginx and HAProxy set them; no Via, which neither adds by default either. */
    public static void addForwarded(HttpFields.Mutable headers, String clientIp, String proto, String host) {
        String forwardedFor = headers.get(HttpHeader.X_FORWARDED_FOR);
        headers.put(HttpHeader.X_FORWARDED_FOR, forwardedFor == null ? clientIp : forwardedFor + ", " + clientIp);
        headers.put(HttpHeader.X_FORWARDED_PROTO, proto);
        if (host != null) {
            headers.put(HttpHeader.X_FORWARDED_HOST, host);
        }
    }

    /** Whether the backend's response header stays on the backend's hop: hop-by-hop, or named by its Connection header. */
    public static boolean hopByHop(HttpField field, HttpFields response) {
        if (HOP_BY_HOP.contains(field.getName())) {
            return true;
        }
        return response.contains(HttpHeader.CONNECTION)
                && response.getCSV(HttpHeader.CONNECTION, false).stream().anyMatch(field.getName()::equalsIgnoreCase);
    }

    /**
     * An absolute-form request target ({@code GET http://elsewhere/ HTTP/1.1}) makes the server report that
     * authority as the server name; a Host header that disagrees with it means the client asked for another host.
     */
    public static boolean namesAnotherHost(String hostHeader, String serverName, int serverPort, boolean secure) {
        if (hostHeader == null) {
            return false;
        }
        String hostName = hostHeader;
        int port = -1;
        int colon = hostHeader.lastIndexOf(':');
        if (colon > hostHeader.lastIndexOf(']')) {
            hostName = hostHeader.substring(0, colon);
            try {
                port = Integer.parseInt(hostHeader.substring(colon + 1));
            } catch (NumberFormatException e) {
                return true;
            }
        }
        if (port < 0) {
            port = secure ? 443 : 80;
        }
        return !stripBrackets(hostName).equalsIgnoreCase(stripBrackets(serverName)) || port != serverPort;
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Header names compare case-insensitively; a sorted set does that without lower-casing (allocating) each name. */
    private static Set<String> caseInsensitive(List<String> names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return set;
    }
}
