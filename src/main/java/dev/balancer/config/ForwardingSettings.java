package dev.balancer.config;

import static dev.balancer.config.ConfigKey.PRESERVE_HOST;
import static dev.balancer.config.ConfigKey.REQUEST_ID_HEADER;
import static dev.balancer.config.ConfigKey.STRIP_PREFIX;
import static dev.balancer.config.ConfigKey.TRUST_FORWARDED_FOR;

/**
 * How a request is rewritten on its way to a backend.
 *
 * @param trustForwardedFor use the client's X-Forwarded-For (hashing, logs) and append to it
 * @param stripPrefix       remove the servlet's mapped prefix before forwarding
 * @param preserveHost      forward the client's Host header instead of the backend's
 * @param requestIdHeader   the header that carries each request's id
 */
public record ForwardingSettings(boolean trustForwardedFor, boolean stripPrefix, boolean preserveHost, String requestIdHeader) {

    public static ForwardingSettings from(Values values) {
        return new ForwardingSettings(values.bool(TRUST_FORWARDED_FOR), values.bool(STRIP_PREFIX), values.bool(PRESERVE_HOST),
                values.text(REQUEST_ID_HEADER));
    }
}
