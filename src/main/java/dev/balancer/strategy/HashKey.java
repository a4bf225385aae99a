package dev.balancer.strategy;

import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigKey;

/**
 * The part of a request that {@code strategy=hash} hashes on ({@code hashOn}).
 *
 * @param source            what to read
 * @param name              header or cookie name, else null
 * @param trustForwardedFor for client-ip: take the first X-Forwarded-For address when the client sent one
 */
public record HashKey(Source source, String name, boolean trustForwardedFor) {

    public enum Source { CLIENT_IP, URI, HEADER, COOKIE }

    public static HashKey parse(String value, boolean trustForwardedFor) {
        if ("client-ip".equals(value)) {
            return new HashKey(Source.CLIENT_IP, null, trustForwardedFor);
        }
        if ("uri".equals(value)) {
            return new HashKey(Source.URI, null, trustForwardedFor);
        }
        if (value != null && value.startsWith("header:") && value.length() > 7) {
            return new HashKey(Source.HEADER, value.substring(7), trustForwardedFor);
        }
        if (value != null && value.startsWith("cookie:") && value.length() > 7) {
            return new HashKey(Source.COOKIE, value.substring(7), trustForwardedFor);
        }
        throw new ConfigException(ConfigKey.HASH_ON.key(), value, "one of client-ip, uri, header:NAME, cookie:NAME");
    }

    /** The key of this request, or null when it has none (no such header or cookie). */
    public String of(ClientRequest request) {
        return switch (source) {
            case CLIENT_IP -> clientIp(request, trustForwardedFor);
            case URI -> request.path();
            case HEADER -> request.header(name);
            case COOKIE -> request.cookie(name);
        };
    }

    /** The client's address: the peer's, or the first X-Forwarded-For entry when that header is trusted. */
    public static String clientIp(ClientRequest request, boolean trustForwardedFor) {
        if (trustForwardedFor) {
            String forwarded = request.header("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                int comma = forwarded.indexOf(',');
                return (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
            }
        }
        return request.remoteAddress();
    }
}
