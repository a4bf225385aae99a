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
 * <p>The JVM fixes its policy at its first name lookup, and a servlet's start already makes one (the proxy looks up
 * the local host name for its Via header). So the runnable jar calls {@link #ensureFresh()} first thing; inside a
 * servlet container the policy belongs on the container's command line ({@code -Djava.security.properties=FILE} with
 * both properties set to 0, see README), and discovery warns when it finds it missing there.
 */
public final class JvmDnsCache {
    private static final Logger LOG = LoggerFactory.getLogger(JvmDnsCache.class);

    static final String TTL = "networkaddress.cache.ttl";
    static final String NEGATIVE_TTL = "networkaddress.cache.negative.ttl";
    /** The system property the JVM falls back to when the security property is not set. */
    static final String TTL_FALLBACK = "sun.net.inetaddr.ttl";
    /** What the JDK's java.security ships for the negative TTL: a default, not an operator's choice. */
    private static final String JDK_NEGATIVE_DEFAULT = "10";

    private JvmDnsCache() {}

    /** At JVM start, before any name lookup: turns the caches off where nobody chose otherwise; says what applies. */
    public static String ensureFresh() {
        return apply(true);
    }

    /** Later, when the JVM may have fixed its policy already: the same, with a warning when that came too late. */
    static String ensureFreshLate() {
        return apply(false);
    }

    private static synchronized String apply(boolean beforeFirstLookup) {
        boolean changed = false;
        String name = TTL;
        String positive = Security.getProperty(TTL);
        if (positive == null) {
            name = TTL_FALLBACK;
            positive = System.getProperty(TTL_FALLBACK);
        }
        if (positive == null) {
            Security.setProperty(TTL, "0");
            name = TTL;
            positive = "0";
            changed = true;
        } else if (!positive.trim().equals("0")) {
            LOG.warn("{}={} is kept as the operator set it: DNS discovery sees pod changes only once the JVM's cached "
                    + "answer expires; 0 (no cache) is what discovery needs", name, positive);
        }
        String negative = Security.getProperty(NEGATIVE_TTL);
        if (negative == null || negative.trim().equals(JDK_NEGATIVE_DEFAULT)) {
            Security.setProperty(NEGATIVE_TTL, "0");
            negative = "0";
            changed = true;
        }
        if (changed && !beforeFirstLookup) {
            LOG.warn("The JVM's DNS cache was not turned off when this JVM started, and setting it now is probably too "
                    + "late: DNS discovery may see pod changes up to 30 s late. Start the JVM with "
                    + "-Djava.security.properties=FILE where FILE sets {}=0 and {}=0", TTL, NEGATIVE_TTL);
        }
        return "JVM DNS cache: " + name + "=" + positive + ", " + NEGATIVE_TTL + "=" + negative;
    }
}
