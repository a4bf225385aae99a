package dev.balancer.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.HeadlessChromium;
import dev.balancer.testing.LoopbackServer;
import dev.balancer.testing.Servers;
import dev.balancer.testing.TestBalancer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * What a modern page does through the balancer, in a real headless Chromium: the page, a WebSocket and an
 * EventSource all go through the jar to one application behind it, and the page shows what arrived. (Only the jar:
 * the servlet front end runs in Jetty here, whose servlet upgrade loses a browser's WebSocket; see README and
 * WebSocketTunnelTest.)
 */
class BrowserStreamingTest {
    private static final String PAGE = """
            <!doctype html><title>live</title>
            <p>ws: <span id="ws">waiting</span></p><p>sse: <span id="sse"></span></p>
            <script>
              const ws = new WebSocket('ws://' + location.host + '/ws');
              ws.onopen = () => ws.send('hello through the balancer');
              ws.onmessage = event => document.getElementById('ws').textContent = event.data;
              const events = new EventSource('/events');
              events.onmessage = event => document.getElementById('sse').textContent += event.data + ';';
            </script>
            """;

    @RegisterExtension
    final Servers servers = new Servers(FrontEnd.HANDLER);

    @Test
    void aPageOpensAWebSocketAndAnEventSourceThroughTheBalancer() throws Exception {
        LoopbackServer application = servers.keep(liveApplication());
        // The event stream stays open after the page is gone until the backend writes again or idleTimeout passes,
        // so the stop at the end waits only a moment for it.
        TestBalancer balancer = servers.balancer(Map.of("backends", application.url(), "shutdownTimeout", "500ms"));
        try (HeadlessChromium chromium = new HeadlessChromium(900, 300)) {
            WebDriver browser = chromium.driver();
            browser.get(balancer.url() + "/page");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(browser.findElement(By.id("ws")).getText()).isEqualTo("hello through the balancer");
                assertThat(browser.findElement(By.id("sse")).getText()).isEqualTo("tick 1;tick 2;");
            });
            chromium.screenshot("browser-streaming.png");
        }
    }

    /** One application with a page, a WebSocket echo at /ws and two server-sent events at /events (then it holds). */
    private static LoopbackServer liveApplication() throws Exception {
        LoopbackServer application = new LoopbackServer();
        WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(application.server(), container ->
                container.addMapping("/ws", (request, response, callback) -> new Echo()));
        webSockets.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                if (path.equals("/page")) {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html;charset=utf-8");
                    response.write(true, StandardCharsets.UTF_8.encode(PAGE), callback);
                } else if (path.equals("/events")) {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
                    // The stream stays open after its two events, as a live feed does; the test's end closes it.
                    response.write(false, StandardCharsets.UTF_8.encode("data: tick 1\n\n"), Callback.from(() ->
                            response.write(false, StandardCharsets.UTF_8.encode("data: tick 2\n\n"), Callback.NOOP)));
                } else {
                    Response.writeError(request, response, callback, 404);
                }
                return true;
            }
        });
        return application.start(webSockets);
    }

    /** Echoes each text message. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText(message, org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }
}
