package dev.balancer.handler;

import dev.balancer.strategy.ClientRequest;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;

/** A Jetty core request as strategies and the balancing core see it. */
record CoreClientRequest(Request request) implements ClientRequest {

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return request.getHttpURI().getPath();
    }

    @Override
    public String query() {
        return request.getHttpURI().getQuery();
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public String cookie(String name) {
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    @Override
    public String protocol() {
        return request.getConnectionMetaData().getProtocol();
    }

    @Override
    public String remoteAddress() {
        return Request.getRemoteAddr(request);
    }
}
