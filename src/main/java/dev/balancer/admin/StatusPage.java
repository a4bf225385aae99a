package dev.balancer.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The human status page: static HTML, script and style shipped in the jar and WAR, read once at startup. The page
 * holds no data; its script polls the status and history JSON, draws the history as inline SVG, and drives the admin
 * API (drain, enable, weight, remove, add).
 */
final class StatusPage {
    /** Everything comes from this origin; no inline script, no framing (the buttons must not be clickjacked). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    record Asset(byte[] body, String contentType) {}

    private final Map<String, Asset> assets;

    StatusPage() {
        assets = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/page.js", load("page.js", "text/javascript; charset=utf-8"),
                "/charts.js", load("charts.js", "text/javascript; charset=utf-8"),
                "/page.css", load("page.css", "text/css; charset=utf-8"));
    }

    /** The asset at this path below the admin prefix, or null. */
    Asset asset(String path) {
        return assets.get(path);
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("status page resource missing from the build: " + name);
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
