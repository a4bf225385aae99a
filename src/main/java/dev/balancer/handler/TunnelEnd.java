package dev.balancer.handler;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * One end of a {@link WebSocketTunnel}: the connection that took over the client's or the backend's endpoint after the 101.
 * It reads what its endpoint receives and writes it to the other end's endpoint, one buffer at a time: the next
 * read waits until the write completed, so a slow reader holds back a fast writer (TCP's back pressure) instead of
 * the balancer buffering for it. Bytes are never looked at.
 *
 * <p>End of input from its side is passed on as a shutdown of the other side's output (after everything read before
 * it was written); closing, an idle timeout or a failure on either endpoint closes the whole tunnel.
 */
final class TunnelEnd extends AbstractConnection implements Connection.UpgradeTo {
    /**
     * Bytes read per buffer: held only while one write is pending, and within the buffer pool's buckets (up to the
     * 128 KiB input buffer, see StandaloneServer), so it is reused rather than allocated. Not tuned by measurement.
     */
    static final int BUFFER_SIZE = 64 * 1024;

    private final WebSocketTunnel tunnel;
    private final boolean upstream;
    private final ByteBufferPool buffers;
    private final long idleTimeoutMillis;
    private TunnelEnd other;
    /** Bytes read by the connection this one replaced, beyond the HTTP message: the first to pass on. */
    private ByteBuffer leftover;
    private RetainableByteBuffer buffer;

    /**
     * @param upstream whether this end reads from the client (and writes to the backend)
     */
    TunnelEnd(WebSocketTunnel tunnel, boolean upstream, EndPoint endPoint, ByteBufferPool buffers, long idleTimeoutMillis) {
        super(endPoint, tunnel.executor());
        this.tunnel = tunnel;
        this.upstream = upstream;
        this.buffers = buffers;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    void connect(TunnelEnd other) {
        this.other = other;
    }

    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (BufferUtil.hasContent(prefilled)) {
            leftover = BufferUtil.copy(prefilled);
        }
    }

    /** Both ends must have their endpoints before either moves a byte: the tunnel starts them together. */
    @Override
    public void onOpen() {
        super.onOpen();
        getEndPoint().setIdleTimeout(idleTimeoutMillis);
        tunnel.opened();
    }

    /** Starts moving bytes: first what the replaced connection had read ahead, then whatever arrives. */
    void start() {
        ByteBuffer first = leftover;
        leftover = null;
        if (first == null) {
            fillInterested();
        } else {
            forward(first);
        }
    }

    @Override
    public void onFillable() {
        try {
            buffer = buffers.acquire(BUFFER_SIZE, true);
            ByteBuffer bytes = buffer.getByteBuffer();
            int filled = getEndPoint().fill(bytes);
            if (filled > 0) {
                forward(bytes);
                return;
            }
            release();
            if (filled == 0) {
                fillInterested();
            } else {
                // The other side still gets everything written so far, then end of input in turn.
                other.getEndPoint().shutdownOutput();
                if (getEndPoint().isOutputShutdown()) {
                    tunnel.close(null);
                }
            }
        } catch (Throwable failure) {
            release();
            tunnel.close(failure);
        }
    }

    private void forward(ByteBuffer bytes) {
        tunnel.carried(upstream, bytes.remaining());
        other.getEndPoint().write(Callback.from(Invocable.InvocationType.NON_BLOCKING, () -> {
            release();
            fillInterested();
        }, failure -> {
            release();
            tunnel.close(failure);
        }), bytes);
    }

    private void release() {
        RetainableByteBuffer held = buffer;
        buffer = null;
        if (held != null) {
            held.release();
        }
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        tunnel.close(cause);
    }

    @Override
    public String toConnectionString() {
        return (upstream ? "TunnelEnd[client->backend]@" : "TunnelEnd[backend->client]@") + Integer.toHexString(hashCode());
    }
}
