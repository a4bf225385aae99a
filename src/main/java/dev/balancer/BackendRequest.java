package dev.balancer;

import java.net.URI;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpConversation;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.util.NanoTime;

/**
 * A request to a backend with a response timeout beside Jetty's total timeout: until the response's status line
 * arrives, the deadline is the earlier of the two; after it, only the total (off by default) counts, so a stream or a
 * slow download is limited by the idle timeout between bytes alone. Jetty's client checks this deadline with the
 * cyclic timer it already keeps per connection; a deadline that only moves later is safe with that timer (it wakes,
 * finds nothing expired, and sleeps until the new deadline).
 */
public final class BackendRequest extends HttpRequest {
    private Exchange exchange;
    private volatile long responseDeadline = Long.MAX_VALUE;

    BackendRequest(HttpClient client, HttpConversation conversation, URI uri) {
        super(client, conversation, uri);
    }

    /** Arms the response timeout of this attempt of the exchange, counted from now; call just before sending. */
    public static void awaitResponse(Request request, Exchange exchange, long timeoutNanos) {
        BackendRequest backendRequest = (BackendRequest) request;
        backendRequest.exchange = exchange;
        backendRequest.responseDeadline = NanoTime.now() + timeoutNanos;
    }

    @Override
    public long getTimeoutNanoTime() {
        long total = super.getTimeoutNanoTime();
        Exchange current = exchange;
        return current == null || current.responseBegan() ? total : Math.min(total, responseDeadline);
    }
}
