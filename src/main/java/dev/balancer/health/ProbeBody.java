package dev.balancer.health;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.Content;

/**
 * The body of one probe's answer: read to the end so the connection can be reused, and its first {@value #LIMIT}
 * bytes kept when {@code healthCheckBody} asks for text in it. A status page under 64 KiB says what it has to say
 * there; a backend that streams megabytes at its health path must not make every probe hold them.
 */
final class ProbeBody {
    static final int LIMIT = 64 * 1024;

    private final byte[] kept;
    private int length;

    /** @param keep whether the start of the body is needed, or it is only drained */
    ProbeBody(boolean keep) {
        this.kept = keep ? new byte[LIMIT] : null;
    }

    /** Reads what the source has and asks for more until the last chunk; the probe's result follows it. */
    void read(Content.Source source) {
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                source.demand(() -> read(source));
                return;
            }
            keep(chunk.getByteBuffer());
            chunk.release();
            if (chunk.isLast()) {
                return;
            }
        }
    }

    private void keep(ByteBuffer buffer) {
        if (kept != null && length < LIMIT) {
            int n = Math.min(buffer.remaining(), LIMIT - length);
            buffer.slice().get(kept, length, n);
            length += n;
        }
    }

    /** Whether the kept start of the body contains the text (read as UTF-8). */
    boolean contains(String text) {
        return kept != null && new String(kept, 0, length, StandardCharsets.UTF_8).contains(text);
    }
}
