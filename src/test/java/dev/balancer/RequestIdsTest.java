package dev.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    @Test
    void saneIdsAreVisibleAsciiWithoutQuotesBackslashesOrCommasUpTo128Characters() {
        assertThat(RequestIds.isSane("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")).isTrue();
        assertThat(RequestIds.isSane("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")).isTrue();
        assertThat(RequestIds.isSane("aGVsbG8+/w==")).isTrue();
        assertThat(RequestIds.isSane("x".repeat(128))).isTrue();
        assertThat(RequestIds.isSane("x".repeat(129))).isFalse();
        assertThat(RequestIds.isSane("")).isFalse();
        assertThat(RequestIds.isSane(null)).isFalse();
        for (String bad : new String[] {"a b", "a\"b", "a\\b", "a,b", "a\nb", "a\u007fb", "caf\u00e9"}) {
            assertThat(RequestIds.isSane(bad)).as(bad).isFalse();
        }
    }

    @Test
    void generatedIdsAre128RandomBitsInHex() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.generate();
            assertThat(id).matches("[0-9a-f]{32}");
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
        assertThat(new RequestIds("X-Request-Id").of("kept")).isEqualTo("kept");
        assertThat(new RequestIds("X-Request-Id").of("not kept")).matches("[0-9a-f]{32}");
    }
}
