package dev.balancer.backend;

import java.time.Instant;

/** A backend's status with why and since when: one immutable value per state change. */
public record BackendState(BackendStatus status, String reason, Instant since) {
    public boolean isAvailable() {
        return status == BackendStatus.HEALTHY;
    }
}
