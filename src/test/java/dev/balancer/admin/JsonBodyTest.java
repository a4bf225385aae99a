package dev.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBodyTest {
    @Test
    void readsAFlatObjectOfStringsIntegersBooleansAndNull() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("url", "http://a:1/\"q\"\u00e9");
        expected.put("weight", -3L);
        expected.put("backup", true);
        expected.put("down", false);
        expected.put("none", null);
        assertThat(JsonBody.parse(" {\"url\":\"http:\\/\\/a:1/\\\"q\\\"\\u00e9\", \"weight\" : -3,\n\"backup\":true,\"down\":false,\"none\":null} "))
                .containsExactlyEntriesOf(expected);
        assertThat(JsonBody.parse("{}")).isEmpty();
    }

    @Test
    void refusesAnythingElseSayingWhere() {
        for (String bad : new String[] {"", "[]", "{\"a\":{}}", "{\"a\":[1]}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":-}",
                "{\"a\":1,\"a\":2}", "{\"a\":1} x", "{\"a\":1", "{a:1}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
                "{\"a\":tru}", "{\"a\":\"line\nbreak\"}", "{\"a\":12345678901234567890}"}) {
            assertThatThrownBy(() -> JsonBody.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a flat JSON object: ");
        }
    }
}
