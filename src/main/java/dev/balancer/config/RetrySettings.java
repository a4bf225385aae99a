package dev.balancer.config;

import static dev.balancer.config.ConfigKey.RETRIES;

/**
 * Retrying a failed attempt on another backend. A section of its own although it holds one value: it is the
 * retry policy's, and whatever that policy grows (a budget, which failures count) belongs here.
 *
 * @param retries other backends tried when it is safe (connect failure, or idempotent and nothing sent)
 */
public record RetrySettings(int retries) {

    public static RetrySettings from(Values values) {
        return new RetrySettings(values.integer(RETRIES));
    }
}
