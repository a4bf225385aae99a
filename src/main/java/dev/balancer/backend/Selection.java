package dev.balancer.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which members may get traffic, decided once per snapshot: healthy primaries while at least {@code panicThreshold}
 * percent of them are healthy; below that, the healthy backups join the healthy primaries; and when no backup is
 * healthy either, panic (Envoy's healthy_panic_threshold): every member not drained or down, healthy or not. A few
 * backends that still pass checks would otherwise take all the traffic of many and fall over too, and a health check
 * that fails everywhere at once (a broken dependency of /health) must not turn into 503s for every client.
 *
 * @param available the backends the picker is built over
 * @param panic     whether they include unhealthy or ejected ones because too few are healthy
 */
record Selection(List<Backend> available, boolean panic) {

    /** @param panicThreshold percent of primaries that must be healthy; 0 turns panic off */
    static Selection of(Map<Backend, BackendState> states, int panicThreshold) {
        List<Backend> healthyPrimaries = new ArrayList<>();
        List<Backend> healthyBackups = new ArrayList<>();
        List<Backend> eligible = new ArrayList<>();
        int eligiblePrimaries = 0;
        for (Map.Entry<Backend, BackendState> entry : states.entrySet()) {
            Backend backend = entry.getKey();
            BackendStatus status = entry.getValue().status();
            if (status == BackendStatus.DRAINING || status == BackendStatus.DOWN) {
                continue; // an operator's or the configuration's decision: even panic respects it
            }
            eligible.add(backend);
            eligiblePrimaries += backend.isBackup() ? 0 : 1;
            if (status == BackendStatus.HEALTHY) {
                (backend.isBackup() ? healthyBackups : healthyPrimaries).add(backend);
            }
        }
        if (!healthyPrimaries.isEmpty() && healthyPrimaries.size() * 100L >= (long) panicThreshold * eligiblePrimaries) {
            return new Selection(List.copyOf(healthyPrimaries), false);
        }
        if (!healthyBackups.isEmpty()) {
            healthyPrimaries.addAll(healthyBackups);
            return new Selection(List.copyOf(healthyPrimaries), false);
        }
        if (panicThreshold > 0 && !eligible.isEmpty()) {
            return new Selection(List.copyOf(eligible), true);
        }
        return new Selection(List.copyOf(healthyPrimaries), false);
    }

    /** {@code 1 of 4 primaries healthy}: for the log lines that announce entering and leaving panic. */
    static String describe(Map<Backend, BackendState> states) {
        long primaries = states.keySet().stream().filter(b -> !b.isBackup()).count();
        long healthy = states.entrySet().stream().filter(e -> !e.getKey().isBackup() && e.getValue().isAvailable()).count();
        return healthy + " of " + primaries + " primaries healthy";
    }
}
