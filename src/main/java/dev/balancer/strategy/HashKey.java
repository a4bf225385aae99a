package dev.balancer.strategy;

/**
 * The part of a request that {@code strategy=hash} hashes on ({@code hashOn}).
 *
 * @param source            what to read
 * @param name              header or cookie name, else null
 * @param trustForwardedFor for client-ip: take the first X-Forwarded-For address when the client sent one
 */
public record HashKey(Source source, String name, boolean trustForwardedFor) {

    public enum Source { CLIENT_IP, URI, HEADER, COOKIE }

    /** @throws InvalidOptionException under {@link StrategyOptions#HASH_ON} when {@code value} is none of the forms */
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
        throw new InvalidOptionException(StrategyOptions.HASH_ON, value, "one of client-ip, uri, header:NAME, cookie:NAME");
    }

    /** The key of this request, or null when it has none (no such header or cookie). */
    public String of(ClientRequest request) {
        return switch (source) {
            case CLIENT_IP -> request.clientIp(trustForwardedFor);
            case URI -> request.path();
            case HEADER -> request.header(name);
            case COOKIE -> request.cookie(name);
        };
    }
}
