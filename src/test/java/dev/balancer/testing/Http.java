package dev.balancer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP client for tests (the JDK's), and raw sockets for requests no client would send. */
public final class Http {
    public static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {}

    public static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What a server answered to raw bytes, and whether it closed the connection afterwards. */
    public record RawAnswer(String text, boolean closed) {}

    /** Sends raw bytes on a new connection and returns everything the server answered until it closed or went quiet. */
    public static String raw(int port, String request) throws IOException {
        return rawExchange(port, request, 5000).text();
    }

    /**
     * Sends raw bytes and reads until the server closes the connection or stays silent for {@code quietMillis}
     * after having answered (a kept-alive connection).
     */
    public static RawAnswer rawExchange(int port, String request, int quietMillis) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(quietMillis);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
                return new RawAnswer(answer.toString(), true);
            } catch (java.net.SocketTimeoutException e) {
                return new RawAnswer(answer.toString(), false);
            } catch (java.net.SocketException e) {
                return new RawAnswer(answer.toString(), true);
            }
        }
    }
}
