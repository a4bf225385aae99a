package dev.balancer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to a balancer's admin endpoints over real HTTP, optionally with a bearer token. */
public final class AdminClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String base;
    private final String token;

    /** @param base the admin root, e.g. {@code http://127.0.0.1:1234/_balancer} */
    public AdminClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public AdminClient(String base) {
        this(base, null);
    }

    public HttpResponse<String> get(String path) {
        return Http.send(request(path).GET().build());
    }

    public HttpResponse<String> post(String path) {
        return Http.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** POST with a JSON body, as the backends API takes it. */
    public HttpResponse<String> post(String path, String json) {
        return Http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> patch(String path, String json) {
        return Http.send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> delete(String path) {
        return Http.send(request(path).DELETE().build());
    }

    public JsonNode status() {
        HttpResponse<String> response = get("/status");
        if (response.statusCode() != 200) {
            throw new AssertionError("status answered " + response.statusCode() + ": " + response.body());
        }
        return json(response.body());
    }

    /** The backend with this id in the status JSON. */
    public JsonNode backend(String id) {
        for (JsonNode backend : status().get("backends")) {
            if (backend.get("id").asText().equals(id)) {
                return backend;
            }
        }
        throw new AssertionError("no backend " + id + " in the status");
    }

    public PrometheusText metrics() {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("metrics answered " + response.statusCode() + ": " + response.body());
        }
        return PrometheusText.parse(response.body());
    }

    public static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }
}
