package dev.balancer.config;

import static dev.balancer.config.ConfigKey.PER_TRY_TIMEOUT;
import static dev.balancer.config.ConfigKey.RETRIES;
import static dev.balancer.config.ConfigKey.RETRY_BUDGET;
import static dev.balancer.config.ConfigKey.RETRY_ON;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retrying a failed attempt on another backend, after Envoy's retry policy and retry budget.
 *
 * @param retries          other backends tried at most, per request
 * @param onConnectFailure retry when the backend could not be connected (nothing was sent)
 * @param onReset          retry an idempotent request without a body whose connection closed before any answer
 * @param statuses         answers from the backend that are retried (idempotent requests without a body only)
 * @param perTryTimeout    each attempt's time to the response headers, after which it is retried when safe;
 *                         {@link Duration#ZERO} when off
 * @param budgetPercent    retries in flight at most this share of the requests in flight (never fewer than
 *                         {@link #MIN_RETRY_CONCURRENCY})
 */
public record RetrySettings(int retries, boolean onConnectFailure, boolean onReset, Set<Integer> statuses,
                            Duration perTryTimeout, int budgetPercent) {
    /**
     * Retries a pool may always have in flight, however few requests it carries. Envoy's default is 3; with 3 the
     * chaos run (about 6 requests in flight, one backend answering 503) refused 2 of 43 retries and two GETs got the
     * 503 although three backends were healthy. 10 keeps small pools whole; from 50 requests in flight on, the 20%
     * share is what bounds the extra load.
     */
    public static final int MIN_RETRY_CONCURRENCY = 10;
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})%");

    public RetrySettings {
        statuses = Set.copyOf(statuses);
    }

    public static RetrySettings from(Values values) {
        boolean connectFailure = false;
        boolean reset = false;
        Set<Integer> statuses = new TreeSet<>();
        String list = values.described(RETRY_ON).trim();
        for (String item : list.isEmpty() ? new String[0] : list.split(",")) {
            String word = item.trim();
            switch (word) {
                case "connect-failure" -> connectFailure = true;
                case "reset" -> reset = true;
                case "gateway-error" -> statuses.addAll(Set.of(502, 503, 504));
                default -> statuses.add(status(values, word));
            }
        }
        return new RetrySettings(values.integer(RETRIES), connectFailure, reset, statuses, values.duration(PER_TRY_TIMEOUT),
                percent(values));
    }

    private static int status(Values values, String word) {
        try {
            int status = Integer.parseInt(word);
            if (status >= 500 && status <= 599) {
                return status;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw values.invalid(RETRY_ON, "a comma-separated list of connect-failure, reset, gateway-error and 5xx statuses"
                + " (500..599), e.g. connect-failure,reset,503");
    }

    private static int percent(Values values) {
        Matcher m = PERCENT.matcher(values.described(RETRY_BUDGET).trim());
        if (m.matches() && Integer.parseInt(m.group(1)) <= 100) {
            return Integer.parseInt(m.group(1));
        }
        throw values.invalid(RETRY_BUDGET, "a share of the requests in flight from 0% to 100%, e.g. 20%");
    }
}
