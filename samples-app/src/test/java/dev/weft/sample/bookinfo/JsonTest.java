package dev.weft.sample.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsAndWritesBackInBothStyles() throws Exception {
        Json value = Json.parse(" {\"a\": [1, -2.5e3, true, null], \"b\": {\"c\": \"x\\\"y\\u00e9\\n\"}} ");

        assertThat(Json.write(value, Json.Style.COMPACT)).isEqualTo("{\"a\":[1,-2.5E+3,true,null],\"b\":{\"c\":\"x\\\"yé\\n\"}}");
        assertThat(Json.write(value, Json.Style.PYTHON))
                .isEqualTo("{\"a\": [1, -2.5E+3, true, null], \"b\": {\"c\": \"x\\\"y\\u00e9\\n\"}}");
        assertThat(value.get("b").flatMap(b -> b.get("c")).map(Json::text)).contains("x\"yé\n");
        assertThat(value.get("missing")).isEmpty();
        assertThat(Json.parse("5").asInt()).contains(5);
        assertThat(Json.parse("5.5").asInt()).isEmpty();
    }

    @Test
    void refusesMalformedInputWithoutThrowingAnythingElse() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "tru", "\"unterminated", "{\"a\":1} x",
                "\"\\u12\"", "01x", "1e999999999", "\"\u0001\""}) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(Json.JsonException.class);
        }
    }

    @Test
    void refusesNestingDeeperThanTheLimit() throws Exception {
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(Json.JsonException.class).hasMessageContaining("nesting");
        String fine = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(fine)).isInstanceOf(Json.Arr.class);
    }
}
