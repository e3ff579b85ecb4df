package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.TestJson;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\r\\n\\t\\u0001\\u007f\"", Json.quote("a\"b\\c\r\n\t\u0001\u007f"));
        assertEquals("\"caf\u00e9 \ud83d\ude00\"", Json.quote("caf\u00e9 \ud83d\ude00"));
        assertEquals("\"\\ud83d\"", Json.quote("\ud83d"), "a lone surrogate is escaped, not written raw");
    }

    @Test
    void writesNestedValuesThatReadBackTheSame() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "x\"y\n");
        m.put("n", 42);
        m.put("big", 0xFFFF_FFFFL);
        m.put("d", 1.5);
        m.put("tiny", 0.000123);
        m.put("nan", Double.NaN);
        m.put("t", true);
        m.put("none", null);
        m.put("flat", List.of("a", 1));
        m.put("empty", List.of());
        m.put("nested", List.of(Map.of("k", "v"), Map.of()));
        String text = Json.write(m);
        Object back = TestJson.parse(text);
        assertEquals("x\"y\n", TestJson.at(back, "s"));
        assertEquals(42.0, TestJson.at(back, "n"));
        assertEquals(4294967295.0, TestJson.at(back, "big"));
        assertEquals(1.5, TestJson.at(back, "d"));
        assertEquals(0.000123, TestJson.at(back, "tiny"));
        assertEquals(null, TestJson.at(back, "nan"));
        assertEquals(true, TestJson.at(back, "t"));
        assertEquals("v", TestJson.at(back, "nested", 0, "k"));
        assertEquals(List.of(), TestJson.at(back, "empty"));
        assertTrue(text.contains("\"flat\": [\"a\", 1],"), text);
    }

    @Test
    void writesAddressesAsEightHexDigits() {
        assertEquals("0x08008000", Json.hex32(0x0800_8000L));
        assertEquals("0xffffffff", Json.hex32(-1));
    }
}
