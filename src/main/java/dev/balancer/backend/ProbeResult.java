package dev.balancer.backend;

import java.time.Instant;

/**
 * The outcome of one active health probe.
 *
 * @param passed         2xx or 3xx within the timeout
 * @param detail         the status, or why it failed (connect refused, timeout...)
 * @param at             when it completed
 * @param durationNanos  how long it took
 */
public record ProbeResult(boolean passed, String detail, Instant at, long durationNanos) {}
