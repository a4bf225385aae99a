package dev.balancer.servlet;

import dev.balancer.Balancer;
import dev.balancer.Exchange;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports every client request to {@link Balancer#requestEnded} exactly once: a request the balancer answered during
 * dispatch (an error, no backend) when dispatch returns, a proxied one when its exchange ends (see
 * {@code BalancingProxyServlet#end}).
 */
final class RequestEnd {
    private static final Logger LOG = LoggerFactory.getLogger(RequestEnd.class);
    private final Balancer balancer;

    RequestEnd(Balancer balancer) {
        this.balancer = balancer;
    }

    /** Called when the servlet's service method returns: reports what was answered without a backend exchange. */
    void dispatched(HttpServletRequest request, HttpServletResponse response, long startNanos) {
        if (StreamingProxyServlet.exchange(request) == null || !request.isAsyncStarted()) {
            ended(request, response, startNanos);
        }
    }

    void ended(HttpServletRequest request, HttpServletResponse response, long startNanos) {
        try {
            Exchange exchange = StreamingProxyServlet.exchange(request);
            String requestId = exchange != null ? exchange.requestId()
                    : (String) request.getAttribute(BalancingProxyServlet.REQUEST_ID);
            balancer.requestEnded(new ServletClientRequest(request), requestId, response.getStatus(), exchange,
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
