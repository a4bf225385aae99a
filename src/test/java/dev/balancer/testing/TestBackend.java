package dev.balancer.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real HTTP backend on an ephemeral loopback port. It answers {@code <name> <METHOD> <path?query>} and counts what
 * it saw. Paths it understands: {@code /hold} waits until {@link #release()}; {@code /sha256} answers the SHA-256 of
 * the request body; {@code /headers} echoes the request headers as {@code name: value} lines; {@code /health}
 * answers 200 or 503 as set by {@link #healthy(boolean)} and is not counted in {@link #requests()}; {@code /status/NNN}
 * answers with status NNN; {@code /method/NAME} answers 200 to that method and 405 to others; {@code /sse/N/MS} sends N
 * server-sent events MS milliseconds apart, each {@code data: <i> <System.nanoTime() as it was sent>} and flushed
 * (read them with {@link EventDelays}).
 */
public final class TestBackend implements AutoCloseable {
    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();
    private volatile CountDownLatch hold = new CountDownLatch(1);
    private volatile int failWith;
    private volatile long delayMillis;
    private volatile Semaphore workers;
    private volatile Consumer<Long> onBodyBytes = n -> {};
    private volatile boolean healthy = true;
    private final Map<String, AtomicInteger> requestIds = new ConcurrentHashMap<>();
    /** Paces {@code /sse/N/MS}: the backend's own clock, on a thread of its own (not a test's synchronisation). */
    private final ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "test-backend-sse-pace");
        thread.setDaemon(true);
        return thread;
    });

    public TestBackend(String name) throws Exception {
        this(name, "127.0.0.1", 0);
    }

    public TestBackend(String name, String host, int port) throws Exception {
        this.name = name;
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder handler = new ServletHolder(new Handler());
        handler.setAsyncSupported(true); // for /sse/N/MS
        context.addServlet(handler, "/*");
        server.setHandler(context);
        server.start();
    }

    public String name() {
        return name;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String url() {
        return "http://" + connector.getHost() + ":" + port();
    }

    /** Requests fully received so far. */
    public int requests() {
        return requests.get();
    }

    public int requests(String path) {
        AtomicInteger n = byPath.get(path);
        return n == null ? 0 : n.get();
    }

    /** Requests to {@code /hold} waiting right now. */
    public int holding() {
        return holding.get();
    }

    public long bodyBytes() {
        return bodyBytes.get();
    }

    /** Lets every {@code /hold} request answer, now and later. */
    public void release() {
        hold.countDown();
    }

    /** Makes {@code /hold} requests wait again. */
    public void rearm() {
        hold = new CountDownLatch(1);
    }

    /** Server-side processing time added to every request (simulates a slow service). */
    public void delay(long millis) {
        this.delayMillis = millis;
    }

    /**
     * Serves at most {@code n} requests at a time, the others wait their turn (in arrival order): a server with a
     * fixed number of workers, whose latency grows with queueing once offered more than it can serve. Set before
     * sending requests.
     */
    public void workers(int n) {
        this.workers = new Semaphore(n, true);
    }

    /** Called with the running body byte count while a request body arrives. */
    public void onBodyBytes(Consumer<Long> listener) {
        this.onBodyBytes = listener;
    }

    /** What {@code /health} answers: 200 when true, 503 when false. */
    /** Answers every request but health checks with this status from now on (0: answer normally again). */
    public void failWith(int status) {
        this.failWith = status;
    }

    public void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    /** How often each {@code X-Request-Id} arrived here. */
    public Map<String, AtomicInteger> requestIds() {
        return requestIds;
    }

    public void stop() throws Exception {
        pace.shutdownNow();
        server.stop();
    }

    @Override
    public void close() throws Exception {
        release();
        pace.shutdownNow();
        server.stop();
    }

    private final class Handler extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
            String path = request.getRequestURI();
            if (path.equals("/health")) {
                byPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                response.setStatus(healthy ? 200 : 503);
                return;
            }
            String requestId = request.getHeader("X-Request-Id");
            if (requestId != null) {
                requestIds.computeIfAbsent(requestId, id -> new AtomicInteger()).incrementAndGet();
            }
            int failing = failWith;
            if (failing != 0) {
                requests.incrementAndGet();
                byPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                request.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                response.sendError(failing);
                return;
            }
            Semaphore capacity = workers;
            try {
                if (capacity != null) {
                    capacity.acquire();
                }
                try {
                    if (delayMillis > 0) {
                        Thread.sleep(delayMillis);
                    }
                } finally {
                    if (capacity != null) {
                        capacity.release();
                    }
                }
                if (path.equals("/hold")) {
                    holding.incrementAndGet();
                    try {
                        hold.await(30, TimeUnit.SECONDS);
                    } finally {
                        holding.decrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (path.startsWith("/trickle/")) {
                trickle(path.substring("/trickle/".length()), response);
                return;
            }
            if (path.equals("/events")) {
                serverSentEvents(response);
                return;
            }
            if (path.startsWith("/sse/")) {
                pacedEvents(path.substring("/sse/".length()), request, response);
                return;
            }
            if (path.startsWith("/bytes/")) {
                streamBytes(Long.parseLong(path.substring("/bytes/".length())), response);
                return;
            }
            String body;
            if (path.equals("/sha256")) {
                body = sha256(request.getInputStream());
            } else if (path.equals("/headers")) {
                StringBuilder headers = new StringBuilder();
                for (String header : java.util.Collections.list(request.getHeaderNames())) {
                    for (String value : java.util.Collections.list(request.getHeaders(header))) {
                        headers.append(header.toLowerCase(java.util.Locale.ROOT)).append(": ").append(value).append('\n');
                    }
                }
                body = headers.toString();
            } else {
                long n = request.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                bodyBytes.addAndGet(n);
                String query = request.getQueryString();
                body = name + " " + request.getMethod() + " " + path + (query == null ? "" : "?" + query);
            }
            requests.incrementAndGet();
            byPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (path.startsWith("/status/")) {
                response.setStatus(Integer.parseInt(path.substring("/status/".length())));
            }
            if (path.startsWith("/method/") && !path.equals("/method/" + request.getMethod())) {
                response.setStatus(405);
            }
            response.setContentType("text/plain");
            response.setHeader("X-Backend", name);
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }

        /** {@code /trickle/N/MS}: a body of N bytes sent one at a time, MS milliseconds apart, each flushed (a slow link). */
        private void trickle(String spec, HttpServletResponse response) throws java.io.IOException {
            requests.incrementAndGet();
            String[] parts = spec.split("/");
            int bytes = Integer.parseInt(parts[0]);
            long every = Long.parseLong(parts[1]);
            response.setContentType("text/plain");
            response.setContentLength(bytes);
            var out = response.getOutputStream();
            for (int i = 0; i < bytes; i++) {
                out.write('x');
                out.flush();
                try {
                    Thread.sleep(every); // the backend's own pace, not a test's synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Server-sent events: one at once, the last only after {@link #release()}, each flushed as it is written. */
        private void serverSentEvents(HttpServletResponse response) throws java.io.IOException {
            requests.incrementAndGet();
            response.setContentType("text/event-stream");
            var out = response.getOutputStream();
            // Counted as holding before the first event leaves: a client that has read it may check holding() at once.
            holding.incrementAndGet();
            try {
                out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                holding.decrementAndGet();
            }
            out.write("data: last\n\n".getBytes(StandardCharsets.UTF_8));
        }

        /**
         * {@code /sse/N/MS}: N server-sent events, the i-th due MS * i milliseconds after the first (a steady pace that
         * does not drift), each {@code data: <i> <nanoTime>\n\n} with the {@link System#nanoTime()} taken just before
         * it is written and flushed. The response completes after the last event. Asynchronous: no thread waits in
         * between.
         */
        private void pacedEvents(String spec, HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
            requests.incrementAndGet();
            String[] parts = spec.split("/");
            int events = Integer.parseInt(parts[0]);
            long every = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(parts[1]));
            response.setContentType("text/event-stream");
            response.setHeader("Cache-Control", "no-cache");
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            var out = response.getOutputStream();
            long start = System.nanoTime();
            Runnable[] next = new Runnable[1];
            AtomicInteger sent = new AtomicInteger();
            next[0] = () -> {
                int i = sent.getAndIncrement();
                try {
                    long now = System.nanoTime();
                    out.write(("data: " + i + " " + now + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (java.io.IOException | RuntimeException e) {
                    async.complete(); // the client went away
                    return;
                }
                if (i + 1 == events) {
                    async.complete();
                } else {
                    try {
                        pace.schedule(next[0], start + (i + 1) * every - System.nanoTime(), TimeUnit.NANOSECONDS);
                    } catch (java.util.concurrent.RejectedExecutionException stopping) {
                        async.complete();
                    }
                }
            };
            pace.execute(next[0]);
        }

        /** A download of {@code n} bytes in 8 KiB writes, as a file server would send it. */
        private void streamBytes(long n, HttpServletResponse response) throws java.io.IOException {
            requests.incrementAndGet();
            response.setContentType("application/octet-stream");
            response.setContentLengthLong(n);
            byte[] chunk = new byte[8192];
            java.util.Arrays.fill(chunk, (byte) 'x');
            var out = response.getOutputStream();
            for (long left = n; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }

        private String sha256(InputStream in) throws java.io.IOException {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    total += n;
                    bodyBytes.addAndGet(n);
                    onBodyBytes.accept(total);
                }
                return HexFormat.of().formatHex(digest.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
