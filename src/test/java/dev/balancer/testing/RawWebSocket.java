package dev.balancer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a plain socket, for what the JDK's client hides: the exact handshake (browsers send no
 * {@code Content-Length} with it, the JDK's client sends {@code Content-Length: 0}) and the connection's end as TCP
 * shows it. Small text frames only (under 126 bytes).
 */
public final class RawWebSocket implements AutoCloseable {
    /** The handshake as Chromium sends it: no body framing at all. */
    public static final String LIKE_A_BROWSER = "";
    /** The handshake as the JDK's {@code java.net.http.WebSocket} sends it. */
    public static final String LIKE_THE_JDK = "Content-Length: 0\r\n";

    private final Socket socket;
    private final InputStream in;
    private final RawHttp.Head handshake;

    private RawWebSocket(int port, String path, String extraHeaders) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000); // a read that waits longer fails the test instead of hanging it
        in = socket.getInputStream();
        RawHttp.write(socket.getOutputStream(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n");
        handshake = RawHttp.readHead(in);
    }

    /** Sends a handshake for {@code ws://127.0.0.1:port path} with {@code extraHeaders} (whole lines); reads its answer. */
    public static RawWebSocket connect(int port, String path, String extraHeaders) throws IOException {
        return new RawWebSocket(port, path, extraHeaders);
    }

    /** The answer to the handshake: 101 when the tunnel is open. */
    public RawHttp.Head handshake() {
        return handshake;
    }

    /** The body of an answer other than 101 (by its Content-Length). */
    public String refusalBody() throws IOException {
        return RawHttp.readBody(in, handshake.contentLength());
    }

    /** One final text frame, masked as a client's must be. */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x1b, 0x2c, 0x3d, 0x4e};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        socket.getOutputStream().write(frame);
        socket.getOutputStream().flush();
    }

    /** The next frame, which must be a final, unmasked text frame (what a server sends). */
    public String nextText() throws IOException {
        byte[] head = in.readNBytes(2);
        assertThat(head).as("a final text frame's first bytes, then its length").hasSize(2).startsWith((byte) 0x81);
        assertThat(head[1]).as("an unmasked length under 126").isBetween((byte) 0, (byte) 125);
        return new String(in.readNBytes(head[1]), StandardCharsets.UTF_8);
    }

    /** Reads until the peer ends the connection (a close frame may come first); fails after 10 s of silence. */
    public void awaitEnd() throws IOException {
        RawHttp.countUntilClosed(in);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
