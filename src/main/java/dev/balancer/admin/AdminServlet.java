package dev.balancer.admin;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The admin endpoints on their own, for the runnable jar, where proxying does not go through a servlet: the
 * proxy handler declines requests under the admin path and this servlet, mapped at {@code /*}, answers them.
 */
public final class AdminServlet extends HttpServlet {
    private final transient Admin admin;

    public AdminServlet(Admin admin) {
        this.admin = admin;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!admin.handle(request, response)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
