package dev.balancer.handler;

import dev.balancer.Balancer;
import dev.balancer.Exchange;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The client's request body as the backend request's content, chunk by chunk as it arrives (no copy). The client
 * is only read once the backend connection sends the request, so an attempt that failed to connect has consumed
 * nothing and can go to another backend. A broken body (bad chunk, client gone) or one over
 * {@code maxRequestBodySize} is the client's fault, recorded on the exchange so the backend is not blamed for it.
 */
final class ClientBody implements org.eclipse.jetty.client.Request.Content {
    private final Request request;
    private final Exchange exchange;
    private final Balancer balancer;
    private long received;

    ClientBody(Request request, Exchange exchange, Balancer balancer) {
        this.request = request;
        this.exchange = exchange;
        this.balancer = balancer;
    }

    @Override
    public long getLength() {
        return request.getLength();
    }

    @Override
    public String getContentType() {
        return request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk peeked = RequestBody.takePeeked(request);
        Content.Chunk chunk = peeked != null ? peeked : request.read();
        if (chunk == null) {
            return null;
        }
        if (Content.Chunk.isFailure(chunk)) {
            exchange.clientFailed(chunk.getFailure());
            return chunk;
        }
        received += chunk.remaining();
        if (balancer.overBodyLimit(received)) {
            chunk.release();
            Throwable tooLarge = balancer.bodyTooLarge();
            exchange.clientFailed(tooLarge);
            return Content.Chunk.from(tooLarge, true);
        }
        return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
        request.demand(demandCallback);
    }

    /**
     * The backend side gave up on the body (it failed or timed out). The client's request is left alone: the error
     * answer still has to reach the client, and Jetty discards whatever of its body is left unread.
     */
    @Override
    public void fail(Throwable failure) {
    }

    @Override
    public boolean rewind() {
        return false;
    }
}
