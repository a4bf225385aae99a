package dev.balancer.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A backend on a raw loopback socket that speaks only what its {@link Conversation} says, one thread per
 * connection: for backends that behave in ways a real server will not (ignore Expect, refuse without reading).
 */
public final class RawBackend implements AutoCloseable {
    /** What the backend does with one connection, after reading the request's head. */
    @FunctionalInterface
    public interface Conversation {
        void serve(Socket socket, RawHttp.Head request) throws IOException;
    }

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    public RawBackend(Conversation conversation) throws IOException {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread handler = new Thread(() -> {
                        try (socket) {
                            socket.setSoTimeout(10_000); // a test that hangs fails, it does not hang the build
                            conversation.serve(socket, RawHttp.readHead(socket.getInputStream()));
                        } catch (IOException e) {
                            // the balancer hung up, or the test ended
                        }
                    }, "raw-backend");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "raw-backend-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
