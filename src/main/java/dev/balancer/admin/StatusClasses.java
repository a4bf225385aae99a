package dev.balancer.admin;

/** HTTP status classes as metric labels and status-report keys: {@code 2xx}, ..., and {@code none} for no response. */
final class StatusClasses {
    static final int NONE = 0;
    /** Indexed by {@link #index(int)}. */
    static final String[] LABELS = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private StatusClasses() {}

    /** 1..5 for a status from 100 to 599, {@link #NONE} otherwise (0: nothing arrived). */
    static int index(int status) {
        return status >= 100 && status <= 599 ? status / 100 : NONE;
    }
}
