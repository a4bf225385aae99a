package dev.balancer.discovery;

import java.security.Security;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM caches name lookups: answers for {@code networkaddress.cache.ttl} (30 s when unset) and failures for
 * {@code networkaddress.cache.negative.ttl} (10 s, set in the JDK's own java.security). Left alone, that cache would
 * hide a pod joining or leaving, or DNS coming back, from discovery. The discovery interval already decides how often
 * DNS is asked, so Balancer turns both caches off, except a positive TTL the operator chose, which is kept (and
 * reported, as it delays what discovery sees).
 *
 * <p>The JVM reads the policy once, at its first name lookup. The runnable jar gets here before any lookup; inside a
 * servlet container something has usually resolved a name already, so there the policy belongs on the command line:
 * {@code -Djava.security.properties=FILE} with both properties set to 0 (see README).
 */
final class JvmDnsCache {
    private static final Logger LOG = LoggerFactory.getLogger(JvmDnsCache.class);

    static final String TTL = "networkaddress.cache.ttl";
    static final String NEGATIVE_TTL = "networkaddress.cache.negative.ttl";
    /** The system property the JVM falls back to when the security property is not set. */
    static final String TTL_FALLBACK = "sun.net.inetaddr.ttl";
    /** What the JDK's java.security ships for the negative TTL: a default, not an operator's choice. */
    private static final String JDK_NEGATIVE_DEFAULT = "10";

    private JvmDnsCache() {}

    /** Turns the JVM's DNS caches off where nobody chose otherwise; returns what applies, for the log. */
    static synchronized String ensureFresh() {
        String positive = Security.getProperty(TTL);
        String name = TTL;
        if (positive == null) {
            name = TTL_FALLBACK;
            positive = System.getProperty(TTL_FALLBACK);
        }
        if (positive == null) {
            Security.setProperty(TTL, "0");
            name = TTL;
            positive = "0";
        } else if (!positive.trim().equals("0")) {
            LOG.warn("{}={} is kept as the operator set it: DNS discovery sees pod changes only once the JVM's cached "
                    + "answer expires; 0 (no cache) is what discovery needs", name, positive);
        }
        String negative = Security.getProperty(NEGATIVE_TTL);
        if (negative == null || negative.trim().equals(JDK_NEGATIVE_DEFAULT)) {
            Security.setProperty(NEGATIVE_TTL, "0");
            negative = "0";
        }
        return "JVM DNS cache: " + name + "=" + positive + ", " + NEGATIVE_TTL + "=" + negative;
    }
}
