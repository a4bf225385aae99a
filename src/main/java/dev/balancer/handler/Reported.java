package dev.balancer.handler;

import dev.balancer.Balancer;
import dev.balancer.Exchange;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Reports the finished request to the admin telemetry and access log, whatever its outcome. */
final class Reported extends Callback.Nested {
    private final Balancer balancer;
    private final CoreClientRequest client;
    private final String requestId;
    private final Response response;
    private final Exchange exchange;
    private final long startNanos = System.nanoTime();

    Reported(Balancer balancer, CoreClientRequest client, String requestId, Response response, Exchange exchange,
             Callback callback) {
        super(callback);
        this.balancer = balancer;
        this.client = client;
        this.requestId = requestId;
        this.response = response;
        this.exchange = exchange;
    }

    @Override
    public void succeeded() {
        report();
        super.succeeded();
    }

    @Override
    public void failed(Throwable failure) {
        report();
        super.failed(failure);
    }

    private void report() {
        balancer.requestEnded(client, requestId, response.getStatus(), exchange,
                response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH), System.nanoTime() - startNanos);
    }
}
