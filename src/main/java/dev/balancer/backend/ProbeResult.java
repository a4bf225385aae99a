package dev.balancer.backend;

import java.time.Instant;

/**
 * The outcome of one active health probe.
 *
 * @param passed         a status {@code healthCheckStatus} allows (2xx/3xx by default), the body with
 *                       {@code healthCheckBody} when that is set, within the timeout
 * @param detail         the status, or why it failed (connect refused, timeout...)
 * @param at             when it completed
 * @param durationNanos  how long it took
 */
public record ProbeResult(boolean passed, String detail, Instant at, long durationNanos) {}
