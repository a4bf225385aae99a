package dev.balancer.standalone;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Three tiny HTTP services for {@code --demo}, each answering every request with its own name,
 * like the three services of the classic load-balancer example.
 */
final class DemoBackends {
    private final Server server = new Server();

    DemoBackends(String host, int firstPort, int count) {
        for (int i = 0; i < count; i++) {
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(host);
            connector.setPort(firstPort + i);
            server.addConnector(connector);
        }
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                int port = Request.getLocalPort(request);
                String body = "demo backend " + (port - firstPort + 1) + " (port " + port + ") served " + request.getHttpURI().getPathQuery() + "\n";
                response.getHeaders().put("Content-Type", "text/plain; charset=utf-8");
                Content.Sink.write(response, true, body, callback);
                return true;
            }
        });
    }

    List<String> start() throws Exception {
        server.start();
        List<String> urls = new ArrayList<>();
        for (var connector : server.getConnectors()) {
            ServerConnector c = (ServerConnector) connector;
            urls.add("http://" + c.getHost() + ":" + c.getLocalPort());
        }
        return urls;
    }

    void stop() throws Exception {
        server.stop();
    }

}
