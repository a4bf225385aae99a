package dev.balancer.handler;

import dev.balancer.Balancer;
import dev.balancer.Exchange;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;

/**
 * A WebSocket connection after the backend's 101: the client's and the backend's endpoints, taken over by two
 * {@link TunnelEnd}s that copy bytes both ways until either side closes; then both close. Jetty's
 * {@code ConnectHandler} tunnels CONNECT requests the same way.
 *
 * <p>The backend's end takes over its endpoint at once ({@link EndPoint#upgrade}); the client's is handed to
 * Jetty's server, which swaps it in once the 101 is written. Neither moves a byte before both are in place, so
 * nothing the backend sends can overtake the 101 on its way to the client.
 */
final class WebSocketTunnel {
    private final Balancer balancer;
    private final Exchange exchange;
    private final Executor executor;
    private final Set<WebSocketTunnel> open;
    private final AtomicInteger endsOpen = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TunnelEnd clientEnd;
    private final TunnelEnd backendEnd;

    /** @param open the tunnels still open, which this one joins until it closes */
    WebSocketTunnel(Balancer balancer, Exchange exchange, EndPoint client, EndPoint backend, ByteBufferPool buffers,
           Executor executor, Set<WebSocketTunnel> open) {
        this.balancer = balancer;
        this.exchange = exchange;
        this.executor = executor;
        this.open = open;
        long idle = balancer.config().timeouts().tunnelIdle().toMillis();
        clientEnd = new TunnelEnd(this, true, client, buffers, idle);
        backendEnd = new TunnelEnd(this, false, backend, buffers, idle);
        clientEnd.connect(backendEnd);
        backendEnd.connect(clientEnd);
        open.add(this);
        balancer.tunnelOpened(exchange);
    }

    /** Takes over the backend's endpoint; the client's end is {@link #clientEnd()}'s for the server to swap in. */
    void upgradeBackend() {
        backendEnd.getEndPoint().upgrade(backendEnd);
    }

    TunnelEnd clientEnd() {
        return clientEnd;
    }

    Executor executor() {
        return executor;
    }

    /** One end took over its endpoint; with both in place, bytes start to move. */
    void opened() {
        if (endsOpen.incrementAndGet() == 2) {
            clientEnd.start();
            backendEnd.start();
        }
    }

    void carried(boolean upstream, int bytes) {
        balancer.tunnelBytes(upstream, bytes);
    }

    /** Closes both endpoints (what one side saw, the other sees as a close too); the first call only counts. */
    void close(Throwable cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        open.remove(this);
        try {
            clientEnd.getEndPoint().close(cause);
            backendEnd.getEndPoint().close(cause);
        } finally {
            balancer.tunnelClosed(exchange);
        }
    }
}
