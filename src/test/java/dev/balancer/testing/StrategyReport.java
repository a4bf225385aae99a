package dev.balancer.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures every built-in strategy in both {@link SlowBackendScenario}s and prints the Markdown table of
 * {@code docs/strategies.md}: the slow backend's share and the p50/p99 latency, each the median of {@code runs} runs.
 * A bounded measurement, not a test: run it on a quiet machine with
 * {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt} and then
 * {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.balancer.testing.StrategyReport [runs]}.
 */
public final class StrategyReport {
    private static final List<String> STRATEGIES =
            List.of("round-robin", "random", "hash", "least-connections", "power-of-two", "least-latency");

    private StrategyReport() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        System.out.printf("%d runs each, median shown; %d CPUs, Java %s, %s %s%n", runs,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"));
        SlowBackendScenario.PLUS_200_MS.run(FrontEnd.SERVLET, "round-robin"); // warms the JVM up: the first run would pay for JIT compiling
        for (SlowBackendScenario scenario : SlowBackendScenario.values()) {
            System.out.printf("%n%s%n%n| strategy | slow backend's share | p50 | p99 |%n|---|---|---|---|%n", scenario);
            for (String strategy : STRATEGIES) {
                List<LoadGenerator.Result> results = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    results.add(scenario.run(FrontEnd.SERVLET, strategy));
                }
                System.out.printf(Locale.ROOT, "| `%s` | %.1f %% | %.0f ms | %.0f ms |%n", strategy,
                        100 * median(results.stream().mapToDouble(r -> r.share(SlowBackendScenario.SLOW)).toArray()),
                        median(results.stream().mapToDouble(r -> r.percentileMillis(50)).toArray()),
                        median(results.stream().mapToDouble(r -> r.percentileMillis(99)).toArray()));
                results.forEach(r -> System.err.println(scenario + " " + strategy + ": " + r));
            }
        }
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
