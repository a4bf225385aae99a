package dev.balancer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.TestBalancer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad init-param must stop the servlet from starting, with the message an operator needs. */
class ServletConfigErrorTest {

    @Test
    void badInitParamFailsStartupNamingKeyValueAndChoices() {
        assertThatThrownBy(() -> new TestBalancer(FrontEnd.SERVLET, Map.of("backends", "http://127.0.0.1:1", "strategy", "fastest")).close())
                .hasStackTraceContaining("UnavailableException")
                .hasStackTraceContaining("strategy='fastest'")
                .hasStackTraceContaining("one of round-robin, random, least-connections, power-of-two, hash");
    }

    @Test
    void unknownStrategyClassIsReported() {
        assertThatThrownBy(() -> new TestBalancer(FrontEnd.SERVLET, Map.of("backends", "http://127.0.0.1:1", "strategy", "com.acme.Nope")).close())
                .hasStackTraceContaining("strategy='com.acme.Nope'")
                .hasStackTraceContaining("no such class");
    }
}
