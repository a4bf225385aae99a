package dev.balancer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.ContinueProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpExchange;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * {@code Expect: 100-continue} end to end, for both front ends: the backend, not the proxy, decides whether the
 * client's body is wanted. The backend request carries the Expect header and Jetty's client holds its body back
 * until the backend answers {@code 100} ({@link ContinueProtocolHandler}, the client's only protocol handler here);
 * only then does the front end start reading the client's body, which is what makes the server send the client its
 * own {@code 100}. A backend that refuses first (413, 401, ...) has its answer relayed as an ordinary response, and
 * the client's body is never read.
 *
 * <p>A backend that ignores Expect (an HTTP/1.0 server, or one that just waits for the body) would stall the request
 * forever: after {@link #FALLBACK_MILLIS} without any answer the body is sent anyway, as curl does.
 */
public final class ExpectContinue extends ContinueProtocolHandler {
    /**
     * How long a backend gets to answer 100 (or refuse) before the body goes anyway. One second, curl's own wait: a
     * backend that ignores Expect costs what it costs without a proxy, and the client's own wait for our 100 (also
     * one second in curl) runs at the same time, so the two do not add up. Much shorter and a backend that checks
     * credentials or quota before its 100 would get bodies it was about to refuse.
     */
    static final long FALLBACK_MILLIS = 1000;
    private static final String WAIT = ExpectContinue.class.getName() + ".wait";

    private ExpectContinue() {}

    /**
     * Call on a started client (starting adds Jetty's defaults): the proxy passes redirects, authentication
     * challenges and upgrades through to its client, so the only protocol handled here is 100-continue.
     */
    public static void install(HttpClient client) {
        client.getProtocolHandlers().clear();
        client.getProtocolHandlers().put(new ExpectContinue());
    }

    /**
     * Whether the client's Expect header asks for 100-continue; ask only for a request with a body. Without one there
     * is nothing to hold back, and other expectations are not forwarded: then no Expect goes to the backend.
     */
    public static boolean asked(String expect) {
        return expect != null && HttpHeaderValue.CONTINUE.is(expect.trim());
    }

    /**
     * The backend request asks its backend for {@code 100} before its body: {@code readBody} (may be null) runs once
     * the backend answers 100, or once {@link #FALLBACK_MILLIS} after the headers left passed without any answer;
     * then Jetty's client reads the request's content. Neither happens after a refusal.
     */
    public static void expect(Request proxyRequest, HttpClient client, Runnable readBody) {
        Wait wait = new Wait(proxyRequest, client, readBody);
        proxyRequest.headers(headers -> headers.put(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString()))
                .attribute(WAIT, wait)
                .onRequestCommit(committed -> wait.arm())
                .onRequestFailure((failed, failure) -> wait.cancel());
    }

    /**
     * The result of an attempt, with a refusal counted as the success it is: the backend answered in full before 100,
     * and Jetty's client then fails the request ("Expectation failed") since its body was never sent.
     */
    public static Result settled(Result result) {
        Wait wait = (Wait) result.getRequest().getAttributes().get(WAIT);
        if (wait != null && wait.refused && result.getResponseFailure() == null && result.getRequestFailure() != null) {
            return new Result(result.getRequest(), null, result.getResponse(), null);
        }
        return result;
    }

    /**
     * Jetty's handler takes the 100, and a final answer that came instead of it (buffered, then replayed to the
     * response listeners, as Jetty's client needs to end the request); a final answer after 100, or after the body
     * went ahead without one, is an ordinary response and streams.
     */
    @Override
    public boolean accept(Request request, Response response) {
        Wait wait = (Wait) request.getAttributes().get(WAIT);
        if (wait == null) {
            return super.accept(request, response);
        }
        int status = response.getStatus();
        if (HttpStatus.isInformational(status) && status != HttpStatus.CONTINUE_100) {
            return false; // 102, 103: neither a go-ahead nor an answer, passed on as before
        }
        boolean first = wait.answered();
        if (status == HttpStatus.CONTINUE_100) {
            return super.accept(request, response);
        }
        wait.refused = first;
        return first && super.accept(request, response);
    }

    @Override
    protected Runnable onContinue(Request request) {
        Wait wait = (Wait) request.getAttributes().get(WAIT);
        return wait == null ? null : wait.take();
    }

    /** One backend request's wait for its backend's first answer, and the fallback timer that ends it. */
    private static final class Wait implements Runnable {
        private enum State { WAITING, ANSWERED, WENT_AHEAD }

        private final Request request;
        private final HttpClient client;
        private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
        private final AtomicReference<Runnable> readBody;
        private volatile Scheduler.Task timer;
        /** The first answer was a final one: the backend refused the body. */
        private volatile boolean refused;

        Wait(Request request, HttpClient client, Runnable readBody) {
            this.request = request;
            this.client = client;
            this.readBody = new AtomicReference<>(readBody == null ? () -> {} : readBody);
        }

        /** The headers left: from now on the backend has its time to answer. */
        void arm() {
            timer = client.getScheduler().schedule(this, FALLBACK_MILLIS, TimeUnit.MILLISECONDS);
            if (state.get() != State.WAITING) {
                cancel(); // answered before the timer was set
            }
        }

        /** A status line arrived; true if it is the first answer, before the body went ahead. */
        boolean answered() {
            boolean first = state.compareAndSet(State.WAITING, State.ANSWERED);
            cancel();
            return first;
        }

        void cancel() {
            Scheduler.Task task = timer;
            if (task != null) {
                task.cancel();
            }
        }

        /** What reads the body, once: a 100 and the timer may both try to start it. */
        Runnable take() {
            return readBody.getAndSet(null);
        }

        /** No answer in time: the body goes without 100, on a pool thread (it may stream on at once). */
        @Override
        public void run() {
            if (!state.compareAndSet(State.WAITING, State.WENT_AHEAD)) {
                return;
            }
            HttpExchange exchange = ((HttpRequest) request).getConversation().getExchanges().peekLast();
            if (exchange != null) {
                Runnable action = take();
                client.getExecutor().execute(() -> exchange.proceed(action, null));
            }
        }
    }
}
