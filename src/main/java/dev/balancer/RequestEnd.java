package dev.balancer;

import dev.balancer.admin.Admin;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports every client request to {@link Admin#requestEnded} exactly once, when it is over: at once when the
 * balancer answered it during dispatch (an error, no backend), else when the proxy completes its async context.
 * One instance per servlet serves every request (the request and response come with the event): no allocation.
 */
final class RequestEnd implements AsyncCompletion {
    private static final Logger LOG = LoggerFactory.getLogger(RequestEnd.class);
    private final Admin admin;

    RequestEnd(Admin admin) {
        this.admin = admin;
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
        Exchange exchange = (Exchange) request.getAttribute(Exchange.ATTRIBUTE);
        ended(request, (HttpServletResponse) event.getSuppliedResponse(), exchange == null ? System.nanoTime() : exchange.startNanos());
    }

    private void ended(HttpServletRequest request, HttpServletResponse response, long startNanos) {
        try {
            Exchange exchange = (Exchange) request.getAttribute(Exchange.ATTRIBUTE);
            admin.requestEnded(new ServletClientRequest(request), response.getStatus(), exchange == null ? null : exchange.backend().id(),
                    bytes(exchange, response), System.nanoTime() - startNanos, exchange == null ? 0 : exchange.retries());
        } catch (RuntimeException e) {
            LOG.debug("could not report the end of {} {}", request.getMethod(), request.getRequestURI(), e);
        }
    }

    /** Body bytes the backend's response streamed through, else the length of the answer the balancer wrote. */
    private static long bytes(Exchange exchange, HttpServletResponse response) {
        if (exchange != null && exchange.responseBytes > 0) {
            return exchange.responseBytes;
        }
        String length = response.getHeader("Content-Length");
        try {
            return length == null ? 0 : Long.parseLong(length);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
