package dev.balancer.backend;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
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
        String tls = tlsFailure(failure);
        if (tls != null) {
            return tls;
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

    /** Why a TLS handshake with a backend failed, in the words an operator fixes it with; null when it was no TLS failure. */
    private static String tlsFailure(Throwable failure) {
        SSLException ssl = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertPathValidatorException validator
                    && validator.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return "TLS handshake failed: certificate expired";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "TLS handshake failed: certificate not yet valid";
            }
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "TLS handshake failed: certificate not trusted";
            }
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof CertificateException && (message.startsWith("No subject alternative") || message.startsWith("No name matching"))) {
                return "TLS handshake failed: certificate does not match the host name";
            }
            if (t instanceof SSLException e && ssl == null) {
                ssl = e;
            }
        }
        if (ssl == null) {
            return null;
        }
        String message = ssl.getMessage() == null ? "" : ssl.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("bad_certificate") || message.contains("certificate_required") || message.contains("unknown_ca")) {
            return "TLS handshake failed: the backend refused the client certificate";
        }
        if (message.contains("protocol_version") || message.contains("no appropriate protocol")) {
            return "TLS handshake failed: no TLS version in common";
        }
        return "TLS handshake failed";
    }
}
