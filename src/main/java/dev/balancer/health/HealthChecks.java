package dev.balancer.health;

import dev.balancer.backend.BackendPool;
import dev.balancer.config.BalancerConfig;
import org.eclipse.jetty.client.HttpClient;

/**
 * The health machinery of one pool: passive outlier detection (always on), active probes (when
 * {@code healthCheckPath} is set) and slow start (when {@code slowStart} is above zero). All timers run on the
 * proxy's HTTP client scheduler; no thread of its own.
 */
public final class HealthChecks implements AutoCloseable {
    private final ActiveHealthChecker active;

    private HealthChecks(ActiveHealthChecker active) {
        this.active = active;
    }

    public static HealthChecks start(BackendPool pool, HttpClient client, BalancerConfig config) {
        pool.observe(new PassiveOutlierDetector(pool, client.getScheduler(), config.maxFails(), config.failTimeout(), System::nanoTime));
        if (!config.slowStart().isZero()) {
            pool.onTransition(new SlowStart(pool, client.getScheduler(), config.slowStart(), System::nanoTime));
        }
        ActiveHealthChecker active = null;
        if (config.healthCheckPath() != null) {
            active = new ActiveHealthChecker(pool, client, config.healthCheckPath(), config.healthCheckInterval(),
                    config.healthCheckTimeout(), config.healthyThreshold(), config.unhealthyThreshold());
            active.start();
        }
        return new HealthChecks(active);
    }

    @Override
    public void close() {
        if (active != null) {
            active.close();
        }
    }
}
