package dev.balancer.backend;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.http.BadMessageException;

/** How a failed exchange with a backend is classified and put into words for logs and error bodies. */
public final class Failures {
    private Failures() {}

    /** The connection was never established: nothing was sent, so any request may go elsewhere. */
    public static boolean isConnectFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A short phrase for logs and error bodies. Never the exception's own message: Jetty's describe connection
     * internals (addresses, buffer states) that a client must not see.
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "no response";
        }
        if (isConnectFailure(failure)) {
            return "connection refused";
        }
        if (failure instanceof TimeoutException) {
            return "timeout";
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException || t instanceof BadMessageException) {
                return "invalid HTTP response";
            }
            if (t instanceof EOFException || t instanceof ClosedChannelException) {
                return "connection closed before the response was complete";
            }
            String message = t.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("reset")) {
                return "connection reset";
            }
        }
        return failure.getClass().getSimpleName();
    }
}
