package dev.balancer.servlet;

import dev.balancer.Balancer;
import dev.balancer.Exchange;
import dev.balancer.ProxyHeaders;
import dev.balancer.Recovery;
import dev.balancer.backend.Backend;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket pass-through in the WAR: the handshake is routed like any request and sent to one backend with its
 * Upgrade headers; a 101 turns the client's connection into a {@link ServletTunnel} through the servlet API's
 * {@link HttpServletRequest#upgrade}, any other answer is relayed as an ordinary response.
 *
 * <p>Unlike every other request, the handshake is proxied within {@code service}, the container's thread waiting for
 * the backend's answer (at most {@code responseTimeout}): Tomcat carries out an upgrade only when {@code service}
 * returns without an asynchronous cycle, and Jetty's ee10 likewise switches the connection as the dispatch ends.
 * Backend side, Jetty's client stops at a 101 and leaves the connection's endpoint in the conversation, as the jar's
 * front end relies on too.
 */
final class WebSocketHandshake {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHandshake.class);
    /** Largest body of a refused handshake (a 403 page) that is relayed; it is buffered, unlike other responses. */
    private static final int MAX_REFUSAL_BODY = 1024 * 1024;

    private final Balancer balancer;
    private final HttpClient client;
    /** The 501's message for a handshake without Content-Length, in a container that loses its tunnel; else null. */
    private final String bodylessRefusal;
    private final Set<ServletTunnel> open = ConcurrentHashMap.newKeySet();

    WebSocketHandshake(Balancer balancer, HttpClient client, String serverInfo) {
        this.balancer = balancer;
        this.client = client;
        // Jetty 12.1's servlet upgrade (ee10; 12.1.12 and 12.1.14 tried) ends the upgraded input at once when the
        // handshake has no Content-Length, as every browser's has none, and parses the client's first frame as a new
        // HTTP request (400): the tunnel would open and die. Tomcat keeps it; the JDK's client (Content-Length: 0)
        // gets through either way.
        boolean losesBodylessUpgrades = serverInfo.toLowerCase(Locale.ROOT).startsWith("jetty/");
        this.bodylessRefusal = losesBodylessUpgrades ? "this servlet container (" + serverInfo + ") cannot tunnel a "
                + "WebSocket whose handshake has no Content-Length, as browsers send it; run the balancer in Tomcat or "
                + "as the runnable jar" : null;
        if (losesBodylessUpgrades) {
            LOG.warn("[{}] in {}, WebSocket handshakes without Content-Length (browsers') are answered 501: Jetty's servlet "
                    + "upgrade loses their tunnel; Tomcat and the runnable jar tunnel them", balancer.name(), serverInfo);
        }
    }

    /** Whether the client asks for a WebSocket tunnel; HTTP/1.1 only, as in the jar. */
    static boolean requested(HttpServletRequest request) {
        return "HTTP/1.1".equals(request.getProtocol()) && ProxyHeaders.isWebSocketUpgrade(request.getMethod(),
                request.getHeader("Upgrade"), ProxyHeaders.connectionListed(request.getHeaders("Connection")));
    }

    /** Why this container would break the handshake's tunnel, or null when it will not. */
    String refusal(HttpServletRequest request) {
        boolean bodyless = request.getContentLengthLong() < 0 && request.getHeader("Transfer-Encoding") == null;
        return bodyless ? bodylessRefusal : null;
    }

    /**
     * Proxies the handshake to the exchange's backend, and to others when the balancer says retry; returns once the
     * client's response is decided: a 101 with the tunnel set up to start, or the answer or error to send.
     *
     * @param target the backend URL for the request, per backend
     */
    void proxy(HttpServletRequest request, HttpServletResponse response, Exchange exchange, Function<Backend, String> target)
            throws IOException, ServletException {
        try {
            Recovery next = attempt(request, response, exchange, target.apply(exchange.backend()));
            while (next instanceof Recovery.Retry retry) {
                // The handshake holds its thread anyway: waiting here is the simplest back-off (at most 250 ms).
                TimeUnit.NANOSECONDS.sleep(retry.delayNanos());
                next = attempt(request, response, exchange, target.apply(retry.backend()));
            }
            if (next instanceof Recovery.Reply reply) {
                ErrorResponses.write(response, reply.status(), reply.message(), balancer.requestIdHeader(), exchange.requestId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServletException(e);
        } finally {
            balancer.exchangeEnded(exchange);
        }
    }

    /** One attempt: null once the client's response is decided, else what the balancer says to do next. */
    private Recovery attempt(HttpServletRequest request, HttpServletResponse response, Exchange exchange, String url)
            throws IOException, InterruptedException {
        Request proxyRequest = client.newRequest(url).method("GET");
        ForwardedHeaders.copy(balancer, request, proxyRequest);
        ForwardedHeaders.add(balancer, request, proxyRequest, exchange.requestId());
        proxyRequest.headers(headers -> {
            headers.put("Upgrade", ProxyHeaders.WEBSOCKET);
            headers.put("Connection", "Upgrade");
        });
        proxyRequest.onRequestBegin(begun -> exchange.requestSent());
        // The response timeout ends at the status line, as for every request.
        proxyRequest.onResponseBegin(begun -> exchange.responseBegan(begun.getStatus()));
        balancer.attemptStarted(exchange, proxyRequest);
        ContentResponse answer;
        try {
            answer = new CompletableResponseListener(proxyRequest, MAX_REFUSAL_BODY).send().get();
        } catch (ExecutionException e) {
            return balancer.attemptFailed(exchange, e.getCause(), false);
        }
        Recovery.Retry retry = balancer.responseBegan(exchange, answer.getStatus());
        if (retry != null) {
            return retry;
        }
        copyHeaders(request, response, exchange, answer.getHeaders());
        if (answer.getStatus() == 101) {
            upgrade(request, response, exchange, proxyRequest);
        } else {
            response.setStatus(answer.getStatus());
            response.getOutputStream().write(answer.getContent());
            balancer.attemptSucceeded(exchange);
        }
        return null;
    }

    private void copyHeaders(HttpServletRequest request, HttpServletResponse response, Exchange exchange, HttpFields headers) {
        for (HttpField field : headers) {
            if (!ProxyHeaders.hopByHop(field, headers)) {
                response.addHeader(field.getName(), field.getValue());
            }
        }
        if (!response.containsHeader(balancer.requestIdHeader())) {
            response.setHeader(balancer.requestIdHeader(), exchange.requestId());
        }
        String path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
        String cookie = balancer.stickyCookie(exchange, path, request.isSecure());
        if (cookie != null) {
            response.addHeader("Set-Cookie", cookie);
        }
    }

    /**
     * The backend switched: so does the client's connection, once {@code service} returns. Should the container
     * refuse, the backend's connection is closed and the client gets a 502; the backend did its part.
     */
    private void upgrade(HttpServletRequest request, HttpServletResponse response, Exchange exchange, Request proxyRequest) {
        EndPoint backend = (EndPoint) ((HttpRequest) proxyRequest).getConversation().getAttribute(EndPoint.class.getName());
        response.setStatus(101);
        response.setHeader("Upgrade", ProxyHeaders.WEBSOCKET);
        response.setHeader("Connection", "Upgrade");
        try {
            ServletTunnel tunnel = request.upgrade(ServletTunnel.class);
            tunnel.open(balancer, exchange, backend, client.getExecutor(), open);
        } catch (IOException | ServletException | RuntimeException e) {
            backend.close(e);
            balancer.attemptSucceeded(exchange);
            response.reset();
            try {
                ErrorResponses.write(response, 502, "the servlet container could not switch protocols: " + e.getMessage(),
                        balancer.requestIdHeader(), exchange.requestId());
            } catch (IOException ignored) {
                // the client went away
            }
        }
    }

    /** On stop, after {@code shutdownTimeout}: the tunnels still open are closed (both sides see the connection end). */
    void closeAll() {
        for (ServletTunnel tunnel : open) {
            tunnel.close(null);
        }
    }
}
