package dev.balancer.handler;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Whether a client request has a body. HTTP/1.1 says so in its headers (Content-Length or Transfer-Encoding); HTTP/2
 * and 3 have no Transfer-Encoding and often no Content-Length, and end a bodiless request's stream with its headers.
 * Jetty then has the end of the content ready at once: one look tells a GET from an upload of unknown length. What
 * that look read, if it was data, is kept for {@link ClientBody} to send first.
 */
final class RequestBody {
    private static final String PEEKED = RequestBody.class.getName() + ".peeked";

    private RequestBody() {}

    /** The body's length: declared, or 0 when an HTTP/2 stream has ended, or -1 when unknown. */
    static long length(Request request) {
        long declared = request.getLength();
        if (declared >= 0 || request.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
            return declared;
        }
        Content.Chunk first = request.read();
        if (first == null) {
            return -1; // nothing yet: the stream is open, a body is coming
        }
        if (first.isLast() && !first.hasRemaining() && !Content.Chunk.isFailure(first)) {
            first.release();
            return 0;
        }
        request.setAttribute(PEEKED, first);
        return -1;
    }

    /** The chunk {@link #length} read ahead, once; null when there is none (left). */
    static Content.Chunk takePeeked(Request request) {
        return (Content.Chunk) request.removeAttribute(PEEKED);
    }
}
