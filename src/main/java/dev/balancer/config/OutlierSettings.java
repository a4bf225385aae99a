package dev.balancer.config;

import static dev.balancer.config.ConfigKey.EJECT_ON_5XX;
import static dev.balancer.config.ConfigKey.FAIL_TIMEOUT;
import static dev.balancer.config.ConfigKey.MAX_EJECTION_PERCENT;
import static dev.balancer.config.ConfigKey.MAX_FAILS;

import java.time.Duration;

/**
 * Passive health: ejecting a backend that fails real requests, or answers them with 5xx.
 *
 * @param maxFails           failures within {@code failTimeout} that eject a backend
 * @param failTimeout        the failure window, and how long an ejection lasts
 * @param ejectOn5xx         consecutive 5xx answers that eject a backend; 0 when a 5xx never does
 * @param maxEjectionPercent most members ejected at once, in percent of the pool; one may always be
 */
public record OutlierSettings(int maxFails, Duration failTimeout, int ejectOn5xx, int maxEjectionPercent) {

    public static OutlierSettings from(Values values) {
        return new OutlierSettings(values.integer(MAX_FAILS), values.duration(FAIL_TIMEOUT), values.countOrOff(EJECT_ON_5XX),
                values.integer(MAX_EJECTION_PERCENT));
    }
}
