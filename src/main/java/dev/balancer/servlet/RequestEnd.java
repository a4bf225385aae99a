package dev.balancer.servlet;

import dev.balancer.Balancer;
import dev.balancer.Exchange;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports every client request to {@link Balancer#requestEnded} exactly once, when it is over: at once when the
 * balancer answered it during dispatch (an error, no backend), else when the proxy completes its async context.
 * One instance per servlet serves every request (the request and response come with the event): no allocation.
 */
final class RequestEnd implements AsyncCompletion {
    private static final Logger LOG = LoggerFactory.getLogger(RequestEnd.class);
    private final Balancer balancer;

    RequestEnd(Balancer balancer) {
        this.balancer = balancer;
    }

    /** Called when the servlet's service method returns. */
    void dispatched(HttpServletRequest request, HttpServletResponse response, long startNanos) {
        if (request.isAsyncStarted()) {
            try {
                // Even when the proxy already completed, a completion during dispatch takes effect after it returns.
                request.getAsyncContext().addListener(this, request, response);
                return;
            } catch (IllegalStateException e) {
                // the async cycle is already over: report now
            }
        }
        ended(request, response, startNanos);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        HttpServletRequest request = (HttpServletRequest) event.getSuppliedRequest();
        Exchange exchange = BalancingProxyServlet.exchange(request);
        ended(request, (HttpServletResponse) event.getSuppliedResponse(), exchange == null ? System.nanoTime() : exchange.startNanos());
    }

    private void ended(HttpServletRequest request, HttpServletResponse response, long startNanos) {
        try {
            balancer.requestEnded(new ServletClientRequest(request), response.getStatus(), BalancingProxyServlet.exchange(request),
                    contentLength(response), System.nanoTime() - startNanos);
        } catch (RuntimeException e) {
            LOG.debug("could not report the end of {} {}", request.getMethod(), request.getRequestURI(), e);
        }
    }

    private static long contentLength(HttpServletResponse response) {
        String length = response.getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
