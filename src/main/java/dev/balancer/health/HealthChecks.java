package dev.balancer.health;

import dev.balancer.backend.BackendPool;
import dev.balancer.config.HealthSettings;
import dev.balancer.config.OutlierSettings;
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

    public static HealthChecks start(BackendPool pool, HttpClient client, HealthSettings health, OutlierSettings outliers) {
        pool.observe(new PassiveOutlierDetector(pool, client.getScheduler(), outliers, System::nanoTime));
        if (!health.slowStart().isZero()) {
            new SlowStart(pool, client.getScheduler(), health.slowStart(), System::nanoTime).start();
        }
        ActiveHealthChecker active = null;
        if (health.path() != null) {
            active = new ActiveHealthChecker(pool, client, health);
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
