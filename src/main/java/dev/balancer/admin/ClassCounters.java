package dev.balancer.admin;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.Arrays;

/**
 * One counter series per status class for a fixed set of other label values. The data points are looked up once
 * and kept, so counting a request is one array read and one increment: no label lookup, no allocation.
 * 2xx to 5xx exist from the start (a scrape shows zeros); {@code 1xx} and {@code none} appear when first used.
 */
final class ClassCounters {
    private final Counter counter;
    private final String[] labelValues;
    private final CounterDataPoint[] points = new CounterDataPoint[StatusClasses.LABELS.length];

    /** @param labelValues the values of every label of {@code counter} but the last, which is the status class */
    ClassCounters(Counter counter, String... labelValues) {
        this.counter = counter;
        this.labelValues = labelValues;
        for (int i = 2; i <= 5; i++) {
            points[i] = point(i);
        }
    }

    void count(int status) {
        int index = StatusClasses.index(status);
        CounterDataPoint point = points[index];
        if (point == null) {
            point = points[index] = point(index); // rare classes: a benign race returns the same data point
        }
        point.inc();
    }

    /** Count so far in the class with this {@link StatusClasses} index. */
    long get(int index) {
        CounterDataPoint point = points[index];
        return point == null ? 0 : point.getLongValue();
    }

    private CounterDataPoint point(int index) {
        String[] values = Arrays.copyOf(labelValues, labelValues.length + 1);
        values[labelValues.length] = StatusClasses.LABELS[index];
        return counter.labelValues(values);
    }
}
