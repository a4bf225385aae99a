package dev.balancer.standalone;

import java.util.function.IntSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code redirectToHttps}: a request on the clear port gets a 308 to the same URL on https, so the method and body
 * survive the redirect (a 301 may turn a POST into a GET). The admin health endpoint is answered where it is asked:
 * kubelet probes and load balancers check the clear port and do not follow redirects.
 */
final class HttpsRedirect extends Handler.Wrapper {
    private final String healthPath;
    private final IntSupplier httpsPort;

    /** @param httpsPort the port in the Location, asked per request (it is only known once an ephemeral port is bound) */
    HttpsRedirect(Handler handler, String healthPath, IntSupplier httpsPort) {
        super(handler);
        this.healthPath = healthPath;
        this.httpsPort = httpsPort;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.isSecure() || healthPath.equals(request.getHttpURI().getPath())) {
            return super.handle(request, response, callback);
        }
        int port = httpsPort.getAsInt();
        HttpURI location = HttpURI.build(request.getHttpURI()).scheme("https").host(Request.getServerName(request))
                .port(port == 443 ? -1 : port);
        response.setStatus(HttpStatus.PERMANENT_REDIRECT_308);
        response.getHeaders().put(HttpHeader.LOCATION, location.asString());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        callback.succeeded();
        return true;
    }
}
