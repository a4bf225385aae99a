package dev.balancer.servlet;

import dev.balancer.Balancer;
import dev.balancer.Exchange;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * A WebSocket connection in the WAR after the backend's 101: the container hands over the client's connection as a
 * {@link WebConnection} (servlet upgrade), a {@link BackendEnd} takes over the backend's endpoint, and bytes are
 * copied both ways with non-blocking reads and writes until either side closes; then both close. Frames are never
 * parsed. One buffer per direction is in flight at a time: the next read waits until the write completed, so a slow
 * reader holds back a fast writer (TCP's back pressure) instead of the balancer buffering for it.
 *
 * <p>The container makes the instance ({@link jakarta.servlet.http.HttpServletRequest#upgrade}, hence public, with a
 * public no-argument constructor); {@link #open} gives it the backend before the container calls {@link #init}.
 */
public final class ServletTunnel implements HttpUpgradeHandler {
    /** Bytes read per read from either side; one such buffer per direction and tunnel. */
    static final int BUFFER_SIZE = 64 * 1024;

    private final AtomicBoolean closed = new AtomicBoolean();
    private Balancer balancer;
    private Exchange exchange;
    private Set<ServletTunnel> open;
    private BackendEnd backend;
    private WebConnection connection;
    private ServletInputStream fromClient;
    private ServletOutputStream toClient;
    private final byte[] upstream = new byte[BUFFER_SIZE];
    /** A write to the backend is under way: reading from the client waits for it. */
    private boolean writingUpstream;
    /** The read loop is running (on this thread, as the lock is held). */
    private boolean reading;
    /** The client's input ended. */
    private boolean clientDone;
    /**
     * Bytes from the backend on their way to the client: not yet written ({@code downstream}), written but not
     * flushed ({@code flushPending}); until the flush completed the backend is not read again ({@code downstreamBusy}).
     */
    private ByteBuffer downstream;
    private boolean flushPending;
    private boolean downstreamBusy;

    public ServletTunnel() {
        // made by the container; see open()
    }

    /**
     * Joins the backend's endpoint (which Jetty's client left after the 101) to this tunnel; bytes move once the
     * container calls {@link #init}. From now on the tunnel counts as open for the balancer.
     */
    void open(Balancer balancer, Exchange exchange, EndPoint backendEndPoint, Executor executor, Set<ServletTunnel> open) {
        this.balancer = balancer;
        this.exchange = exchange;
        this.open = open;
        this.backend = new BackendEnd(this, backendEndPoint, executor, balancer.config().timeouts().tunnelIdle().toMillis());
        open.add(this);
        balancer.tunnelOpened(exchange);
        backendEndPoint.upgrade(backend);
    }

    /** The container switched the client's connection over (after writing the 101): bytes start to move. */
    @Override
    public void init(WebConnection webConnection) {
        connection = webConnection;
        try {
            fromClient = webConnection.getInputStream();
            toClient = webConnection.getOutputStream();
            toClient.setWriteListener(new ToClient());
            fromClient.setReadListener(new FromClient());
        } catch (IOException | RuntimeException e) {
            close(e);
            return;
        }
        backend.start();
    }

    /** The container is done with the client's connection (it closed, or the application is stopping). */
    @Override
    public void destroy() {
        close(null);
    }

    /**
     * Reads what the client sent while the backend can take it. A write that completes at once continues the loop
     * here rather than calling back in, so a fast upload does not grow the stack.
     */
    private synchronized void readFromClient() {
        reading = true;
        try {
            while (!writingUpstream && !clientDone && !closed.get() && fromClient.isReady()) {
                int read = fromClient.read(upstream);
                if (read < 0) {
                    clientEnded();
                } else if (read > 0) {
                    writingUpstream = true;
                    balancer.tunnelBytes(true, read);
                    backend.getEndPoint().write(Callback.from(Invocable.InvocationType.NON_BLOCKING, this::upstreamWritten,
                            this::close), ByteBuffer.wrap(upstream, 0, read));
                }
            }
        } catch (IOException | RuntimeException e) {
            close(e);
        } finally {
            reading = false;
        }
    }

    private void upstreamWritten() {
        synchronized (this) {
            writingUpstream = false;
            if (clientDone) {
                backend.getEndPoint().shutdownOutput();
                return;
            }
            if (reading) {
                return; // completed within the read loop, which goes on
            }
        }
        readFromClient();
    }

    /**
     * The client sent all it will: once the last bytes are written, the backend gets end of input in turn (and closes
     * its side when it is done, which closes the tunnel).
     */
    private synchronized void clientEnded() {
        if (clientDone) {
            return;
        }
        clientDone = true;
        if (!writingUpstream) {
            backend.getEndPoint().shutdownOutput();
        }
    }

    /** Bytes from the backend: written to the client, then the backend is read again once they are flushed. */
    synchronized void toClient(ByteBuffer bytes) {
        balancer.tunnelBytes(false, bytes.remaining());
        downstream = bytes;
        downstreamBusy = true;
        writeToClient();
    }

    private synchronized void writeToClient() {
        if (closed.get() || !downstreamBusy) {
            return;
        }
        try {
            while (toClient.isReady()) {
                if (downstream != null) {
                    ByteBuffer bytes = downstream;
                    downstream = null;
                    flushPending = true;
                    toClient.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                } else if (flushPending) {
                    // The container's output buffer would hold a small frame back until more came.
                    flushPending = false;
                    toClient.flush();
                } else {
                    downstreamBusy = false;
                    backend.fillInterested();
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            close(e);
        }
    }

    /**
     * Closes both connections (what one side saw, the other sees as a close too); the first call only counts.
     * Called when either side ends or fails, on the idle timeout, and on stop.
     */
    void close(Throwable cause) {
        if (balancer == null || !closed.compareAndSet(false, true)) {
            return; // never opened (the container gave up before open()), or closed already
        }
        open.remove(this);
        try {
            backend.getEndPoint().close(cause);
            if (connection != null) {
                connection.close();
            }
        } catch (Exception e) {
            // the client's connection is gone already
        } finally {
            balancer.tunnelClosed(exchange);
        }
    }

    private final class FromClient implements ReadListener {
        @Override
        public void onDataAvailable() {
            readFromClient();
        }

        @Override
        public void onAllDataRead() {
            clientEnded();
        }

        @Override
        public void onError(Throwable failure) {
            close(failure);
        }
    }

    private final class ToClient implements WriteListener {
        @Override
        public void onWritePossible() {
            writeToClient();
        }

        @Override
        public void onError(Throwable failure) {
            close(failure);
        }
    }
}
