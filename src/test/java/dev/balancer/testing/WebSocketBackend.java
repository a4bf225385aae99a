package dev.balancer.testing;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real WebSocket server (Jetty core's) on an ephemeral loopback port, at any path. Its sessions echo text and
 * binary messages (up to 32 MiB), answer {@code name} with the backend's name and {@code close} by closing with
 * status 4000. A handshake whose query is {@code deny} is answered 403. It remembers each handshake's headers.
 */
public final class WebSocketBackend implements AutoCloseable {
    public static final int MAX_MESSAGE = 32 * 1024 * 1024;

    private final String name;
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final List<HttpFields> handshakes = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();

    public WebSocketBackend(String name) throws Exception {
        this.name = name;
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(MAX_MESSAGE);
            container.setMaxBinaryMessageSize(MAX_MESSAGE);
            container.addMapping("/*", (request, response, callback) -> {
                handshakes.add(request.getHeaders().asImmutable());
                if ("deny".equals(request.getHttpURI().getQuery())) {
                    Response.writeError(request, response, callback, 403, "denied by " + name);
                    return null;
                }
                return new Echo();
            });
        }));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    public String name() {
        return name;
    }

    /** The headers of every handshake that reached this backend, in order. */
    public List<HttpFields> handshakes() {
        return handshakes;
    }

    /** Sessions open now. */
    public int openSessions() {
        return open.get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    public final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            open.incrementAndGet();
        }

        @Override
        public void onWebSocketText(String message) {
            switch (message) {
                case "name" -> session.sendText(name, Callback.NOOP);
                case "close" -> session.close(4000, "closed by " + name, Callback.NOOP);
                default -> session.sendText(message, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int status, String reason) {
            open.decrementAndGet();
        }
    }
}
