package dev.balancer.servlet;

import dev.balancer.strategy.ClientRequest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/** A servlet request as strategies and the balancing core see it. */
record ServletClientRequest(HttpServletRequest request) implements ClientRequest {

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return request.getRequestURI();
    }

    @Override
    public String query() {
        return request.getQueryString();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String cookie(String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (cookie.getName().equals(name)) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    @Override
    public String protocol() {
        return request.getProtocol();
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }
}
