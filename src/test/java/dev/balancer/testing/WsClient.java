package dev.balancer.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client (the JDK's) that collects whole messages: text as {@code String}, binary as {@code byte[]}.
 * {@link #closed()} completes with the close status when the server closes, or exceptionally when the connection
 * ends without a close handshake.
 */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private WebSocket socket;

    private WsClient() {}

    /** Opens a WebSocket through {@code ws://127.0.0.1:port path}, with extra handshake headers as name, value, ... */
    public static WsClient connect(int port, String path, String... headers) {
        WsClient client = new WsClient();
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        client.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), client).orTimeout(10, TimeUnit.SECONDS).join();
        return client;
    }

    public WebSocket socket() {
        return socket;
    }

    public void sendText(String message) {
        socket.sendText(message, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    public void sendBinary(byte[] message) {
        socket.sendBinary(ByteBuffer.wrap(message), true).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** The next whole message, within 30 s. */
    public Object next() throws InterruptedException {
        Object message = messages.poll(30, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 30 s");
        }
        return message;
    }

    public CompletableFuture<Integer> closed() {
        return closed;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            messages.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}
