package dev.balancer.admin;

import dev.balancer.backend.Backend;
import dev.balancer.backend.BackendState;
import dev.balancer.backend.BackendStatus;
import dev.balancer.backend.PoolSnapshot;
import java.util.List;

/**
 * The state operators see for a backend: its {@link BackendStatus}, except that a healthy backup backend not taking
 * traffic (because enough primaries are healthy) is shown as {@code backup}. Status JSON, page and metrics all use this.
 */
final class ShownState {
    static final String BACKUP = "backup";
    static final List<String> LABELS = List.of(BackendStatus.HEALTHY.label(), BackendStatus.UNHEALTHY.label(),
            BackendStatus.EJECTED.label(), BackendStatus.DRAINING.label(), BackendStatus.DOWN.label(), BACKUP);

    private ShownState() {}

    static String of(PoolSnapshot snapshot, Backend backend) {
        BackendState state = snapshot.state(backend);
        if (state.status() == BackendStatus.HEALTHY && backend.isBackup() && !snapshot.available().contains(backend)) {
            return BACKUP;
        }
        return state.status().label();
    }
}
