package dev.stm32emu.boards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reading definition fields with errors that name the file and the field. Numbers may be
 * JSON numbers or strings: hex ("0x08000000") and sizes with a K/M suffix ("64K").
 */
final class Json {
    private final String file;

    Json(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    DefinitionException error(String field, String problem) {
        return new DefinitionException(file + ": field '" + field + "': " + problem);
    }

    JsonNode required(JsonNode node, String field, String path) throws DefinitionException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw error(join(path, field), "missing");
        }
        return v;
    }

    String string(JsonNode node, String field, String path) throws DefinitionException {
        JsonNode v = required(node, field, path);
        if (!v.isTextual()) {
            throw error(join(path, field), "expected a string, got " + v);
        }
        return v.asText();
    }

    String optString(JsonNode node, String field, String path, String dflt) throws DefinitionException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw error(join(path, field), "expected a string, got " + v);
        }
        return v.asText();
    }

    long number(JsonNode node, String field, String path) throws DefinitionException {
        return parseNumber(required(node, field, path), join(path, field));
    }

    long optNumber(JsonNode node, String field, String path, long dflt) throws DefinitionException {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : parseNumber(v, join(path, field));
    }

    boolean optBoolean(JsonNode node, String field, String path, boolean dflt) throws DefinitionException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw error(join(path, field), "expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    long parseNumber(JsonNode v, String field) throws DefinitionException {
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (!v.isTextual()) {
            throw error(field, "expected a number, got " + v);
        }
        String t = v.asText().trim();
        try {
            return parseNumberText(t);
        } catch (NumberFormatException e) {
            throw error(field, "not a number: \"" + t + "\" (examples: 1024, 0x08000000, 64K, 1M)");
        }
    }

    static long parseNumberText(String t) {
        long mult = 1;
        String s = t;
        if (s.endsWith("K") || s.endsWith("k")) {
            mult = 1024;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("M")) {
            mult = 1024 * 1024;
            s = s.substring(0, s.length() - 1);
        }
        long value = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        return value * mult;
    }

    List<JsonNode> array(JsonNode node, String field, String path) throws DefinitionException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw error(join(path, field), "expected a list, got " + v);
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /**
     * Merges {@code child} over {@code parent}: objects merge recursively, lists of objects
     * with a "name" merge by name (a child entry replaces or extends the parent's), other
     * values are replaced. The way a board file extends its MCU file.
     */
    static JsonNode merge(JsonNode parent, JsonNode child) {
        if (parent == null || !parent.isObject() || !child.isObject()) {
            return child.deepCopy();
        }
        ObjectNode out = ((ObjectNode) parent).deepCopy();
        Iterator<Map.Entry<String, JsonNode>> it = child.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = out.get(e.getKey());
            JsonNode value = e.getValue();
            if (existing != null && existing.isObject() && value.isObject()) {
                out.set(e.getKey(), merge(existing, value));
            } else if (existing != null && existing.isArray() && value.isArray() && namedObjects(existing)
                    && namedObjects(value)) {
                out.set(e.getKey(), mergeNamed((ArrayNode) existing, (ArrayNode) value));
            } else {
                out.set(e.getKey(), value.deepCopy());
            }
        }
        return out;
    }

    private static boolean namedObjects(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isObject() || !n.has("name")) {
                return false;
            }
        }
        return true;
    }

    private static ArrayNode mergeNamed(ArrayNode parent, ArrayNode child) {
        ArrayNode out = parent.deepCopy();
        for (JsonNode c : child) {
            boolean replaced = false;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).get("name").asText().equals(c.get("name").asText())) {
                    if (c.path("remove").asBoolean(false)) {
                        out.remove(i);
                    } else {
                        out.set(i, merge(out.get(i), c));
                    }
                    replaced = true;
                    break;
                }
            }
            if (!replaced && !c.path("remove").asBoolean(false)) {
                out.add(c.deepCopy());
            }
        }
        return out;
    }
}
