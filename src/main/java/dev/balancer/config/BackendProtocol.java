package dev.balancer.config;

import java.util.List;

/**
 * The protocol Balancer speaks to backends ({@code backendProtocol}). HTTP/2 multiplexes requests over few
 * connections; it needs backends that speak it: without TLS only with prior knowledge ({@code h2c}), with TLS by
 * ALPN ({@code h2}). WebSocket upgrades always use HTTP/1.1, the only version they can be made over here.
 */
public enum BackendProtocol {
    HTTP_1_1("http/1.1", null),
    H2C("h2c", "http"),
    H2("h2", "https");

    private final String key;
    /** The scheme the backends must have for this protocol; null when any will do. */
    private final String scheme;

    BackendProtocol(String key, String scheme) {
        this.key = key;
        this.scheme = scheme;
    }

    public boolean isHttp2() {
        return this != HTTP_1_1;
    }

    /** Checks the configured backends against the protocol: h2c is for http:// backends, h2 for https:// ones. */
    static BackendProtocol from(Values values, List<BackendSpec> backends) {
        String choice = values.choice(ConfigKey.BACKEND_PROTOCOL);
        for (BackendProtocol protocol : values()) {
            if (protocol.key.equals(choice)) {
                for (BackendSpec backend : backends) {
                    if (protocol.scheme != null && !protocol.scheme.equals(backend.url().getScheme())) {
                        throw values.invalid(ConfigKey.BACKEND_PROTOCOL, "h2c for http:// backends, h2 for https:// backends; "
                                + backend.url() + " does not fit " + choice);
                    }
                }
                return protocol;
            }
        }
        throw new IllegalStateException("ConfigKey allows " + choice + " but it has no BackendProtocol");
    }
}
