package dev.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.balancer.testing.AdminClient;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesNestedObjectsAndArraysThatAParserReads() {
        String text = new Json().beginObject()
                .field("name", "a \"quoted\" <b>\\ name\n")
                .field("count", 3)
                .field("ok", true)
                .field("ratio", 0.25)
                .field("nan", Double.NaN)
                .field("none", (String) null)
                .beginObject("inner").field("x", 1).endObject()
                .beginArray("list").beginObject().field("y", 2).endObject().beginObject().endObject().endArray()
                .beginArray("empty").endArray()
                .endObject().toString();
        JsonNode json = AdminClient.json(text);
        assertThat(json.get("name").asText()).isEqualTo("a \"quoted\" <b>\\ name\n");
        assertThat(text).doesNotContain("<b>");
        assertThat(json.get("count").asInt()).isEqualTo(3);
        assertThat(json.get("ok").asBoolean()).isTrue();
        assertThat(json.get("ratio").asDouble()).isEqualTo(0.25);
        assertThat(json.get("nan").isNull()).isTrue();
        assertThat(json.get("none").isNull()).isTrue();
        assertThat(json.at("/inner/x").asInt()).isEqualTo(1);
        assertThat(json.get("list")).hasSize(2);
        assertThat(json.at("/list/0/y").asInt()).isEqualTo(2);
        assertThat(json.get("empty")).isEmpty();
    }
}
