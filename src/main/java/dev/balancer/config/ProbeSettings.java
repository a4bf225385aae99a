package dev.balancer.config;

import static dev.balancer.config.ConfigKey.HEALTH_CHECK_BODY;
import static dev.balancer.config.ConfigKey.HEALTH_CHECK_HEADERS;
import static dev.balancer.config.ConfigKey.HEALTH_CHECK_METHOD;
import static dev.balancer.config.ConfigKey.HEALTH_CHECK_PORT;
import static dev.balancer.config.ConfigKey.HEALTH_CHECK_STATUS;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one active probe sends and what answer passes it.
 *
 * @param method   {@code GET} or {@code HEAD}
 * @param port     the port probed instead of the backend's traffic port; 0 for the traffic port
 * @param statuses the statuses that pass
 * @param body     text the answer's body must contain; null when any body passes
 * @param headers  sent with every probe, in the order configured
 */
public record ProbeSettings(String method, int port, List<StatusRange> statuses, String body, Map<String, String> headers) {

    /** Regex of {@code healthCheckStatus}: codes and ranges, comma-separated, e.g. {@code 200,204,300-399}. */
    static final String STATUS_LIST = "\\s*[1-5]\\d\\d(-[1-5]\\d\\d)?(\\s*,\\s*[1-5]\\d\\d(-[1-5]\\d\\d)?)*\\s*";
    /** Regex of {@code healthCheckHeaders}: {@code Name: value; Name: value}; a value cannot hold a semicolon. */
    static final String HEADER_LIST = "\\s*" + Values.TOKEN + "\\s*:[^;\\r\\n]*(;\\s*" + Values.TOKEN + "\\s*:[^;\\r\\n]*)*;?\\s*";

    /** Statuses from {@code from} to {@code to}, both included. */
    public record StatusRange(int from, int to) {}

    public ProbeSettings {
        statuses = List.copyOf(statuses);
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public boolean passes(int status) {
        for (StatusRange range : statuses) {
            if (status >= range.from() && status <= range.to()) {
                return true;
            }
        }
        return false;
    }

    static ProbeSettings from(Values values) {
        String method = values.text(HEALTH_CHECK_METHOD).toUpperCase(Locale.ROOT);
        String body = values.optional(HEALTH_CHECK_BODY);
        if (body != null && method.equals("HEAD")) {
            throw values.invalid(HEALTH_CHECK_BODY, "needs healthCheckMethod=GET: the answer to HEAD has no body");
        }
        int port = values.isSet(HEALTH_CHECK_PORT) ? values.integer(HEALTH_CHECK_PORT) : 0;
        return new ProbeSettings(method, port, statuses(values), body, headers(values.optional(HEALTH_CHECK_HEADERS)));
    }

    private static List<StatusRange> statuses(Values values) {
        List<StatusRange> ranges = new ArrayList<>();
        for (String item : values.text(HEALTH_CHECK_STATUS).split(",")) {
            String[] bounds = item.trim().split("-");
            int from = Integer.parseInt(bounds[0]);
            int to = bounds.length == 1 ? from : Integer.parseInt(bounds[1]);
            if (to < from) {
                throw values.invalid(HEALTH_CHECK_STATUS, "ranges go from low to high, e.g. 200-399");
            }
            ranges.add(new StatusRange(from, to));
        }
        return ranges;
    }

    private static Map<String, String> headers(String list) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (list != null) {
            for (String header : list.split(";")) {
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
                }
            }
        }
        return headers;
    }
}
