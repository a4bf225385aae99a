package dev.balancer.config;

import static dev.balancer.config.ConfigKey.FAIL_TIMEOUT;
import static dev.balancer.config.ConfigKey.MAX_FAILS;

import java.time.Duration;

/**
 * Passive health: ejecting a backend that fails real requests.
 *
 * @param maxFails    failures within {@code failTimeout} that eject a backend
 * @param failTimeout the failure window, and how long an ejection lasts
 */
public record OutlierSettings(int maxFails, Duration failTimeout) {

    public static OutlierSettings from(Values values) {
        return new OutlierSettings(values.integer(MAX_FAILS), values.duration(FAIL_TIMEOUT));
    }
}
