package dev.balancer.backend;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

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
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
