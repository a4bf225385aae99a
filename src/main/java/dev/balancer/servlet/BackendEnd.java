package dev.balancer.servlet;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;

/**
 * The backend's side of a {@link ServletTunnel}: the connection that takes over the backend's endpoint from Jetty's
 * client after the 101. It reads what the backend sends and hands it to the tunnel, one buffer at a time; the tunnel
 * asks for more ({@link #fillInterested}) once the client took it. End of input, an idle timeout
 * ({@code tunnelIdleTimeout}, which sees bytes both ways since both cross this endpoint) or a failure closes the tunnel.
 */
final class BackendEnd extends AbstractConnection implements Connection.UpgradeTo {
    private final ServletTunnel tunnel;
    private final long idleTimeoutMillis;
    private final ByteBuffer buffer = BufferUtil.allocate(ServletTunnel.BUFFER_SIZE);
    /** Bytes the client's HTTP connection read beyond the 101: the first to pass on. */
    private ByteBuffer leftover;

    BackendEnd(ServletTunnel tunnel, EndPoint endPoint, Executor executor, long idleTimeoutMillis) {
        super(endPoint, executor);
        this.tunnel = tunnel;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (BufferUtil.hasContent(prefilled)) {
            leftover = BufferUtil.copy(prefilled);
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        getEndPoint().setIdleTimeout(idleTimeoutMillis);
    }

    /** The client's side is ready: first what was read ahead, then whatever arrives. */
    void start() {
        ByteBuffer first = leftover;
        leftover = null;
        if (first == null) {
            fillInterested();
        } else {
            tunnel.toClient(first);
        }
    }

    @Override
    public void onFillable() {
        try {
            BufferUtil.clear(buffer);
            int filled = getEndPoint().fill(buffer);
            if (filled > 0) {
                tunnel.toClient(buffer);
            } else if (filled == 0) {
                fillInterested();
            } else {
                tunnel.close(null); // the backend closed: everything it sent has reached the client already
            }
        } catch (Throwable failure) {
            tunnel.close(failure);
        }
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        tunnel.close(cause);
    }

    @Override
    public String toConnectionString() {
        return "BackendEnd@" + Integer.toHexString(hashCode());
    }
}
