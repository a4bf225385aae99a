package dev.balancer.backend;

import java.util.Locale;

/** Why a backend does or does not get traffic. Only {@link #HEALTHY} backends are picked, except in
 * {@linkplain PoolSnapshot#panic() panic}. */
public enum BackendStatus {
    /** Passing checks; gets traffic. */
    HEALTHY,
    /** Failed {@code unhealthyThreshold} active probes in a row. */
    UNHEALTHY,
    /** Taken out by passive outlier detection for {@code failTimeout}. */
    EJECTED,
    /** Taken out by an operator or by discovery; in-flight requests finish. */
    DRAINING,
    /** Configured {@code down}: never gets traffic. */
    DOWN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
