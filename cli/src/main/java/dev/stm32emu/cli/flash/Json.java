package dev.stm32emu.cli.flash;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small JSON writer for reports: maps (insertion order kept), lists, strings, numbers,
 * booleans and null, pretty-printed with two-space indents. The cli module stays free of a
 * JSON library (only boards uses Jackson, ARCHITECTURE.md); reports are write-only.
 */
public final class Json {
    private Json() {
    }

    /** {@code value} as JSON text, ending with a newline. */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.append('\n').toString();
    }

    /** A JSON string literal, quotes included (RFC 8259 §7). */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A 32-bit address as the reports write it: "0x08008000". */
    public static String hex32(long address) {
        return String.format("0x%08x", address & 0xFFFF_FFFFL);
    }

    private static void write(StringBuilder b, Object value, int depth) {
        switch (value) {
            case null -> b.append("null");
            case String s -> b.append(quote(s));
            case Boolean v -> b.append(v);
            case Double d -> b.append(number(d));
            case Float f -> b.append(number(f.doubleValue()));
            case Number n -> b.append(n.longValue());
            case Map<?, ?> m -> writeObject(b, m, depth);
            case List<?> l -> writeArray(b, l, depth);
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void writeObject(StringBuilder b, Map<?, ?> m, int depth) {
        if (m.isEmpty()) {
            b.append("{}");
            return;
        }
        b.append('{');
        String sep = "\n";
        for (Map.Entry<?, ?> e : m.entrySet()) {
            b.append(sep).append("  ".repeat(depth + 1)).append(quote(String.valueOf(e.getKey()))).append(": ");
            write(b, e.getValue(), depth + 1);
            sep = ",\n";
        }
        b.append('\n').append("  ".repeat(depth)).append('}');
    }

    private static void writeArray(StringBuilder b, List<?> l, int depth) {
        if (l.isEmpty()) {
            b.append("[]");
            return;
        }
        boolean flat = l.stream().allMatch(v -> !(v instanceof Map) && !(v instanceof List));
        b.append('[');
        String sep = flat ? "" : "\n" + "  ".repeat(depth + 1);
        for (Object v : l) {
            b.append(sep);
            write(b, v, depth + 1);
            sep = flat ? ", " : ",\n" + "  ".repeat(depth + 1);
        }
        b.append(flat ? "]" : "\n" + "  ".repeat(depth) + "]");
    }

    /** Finite numbers with up to 6 decimals; JSON has no NaN or infinity, so those are null. */
    private static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String s = String.format(Locale.ROOT, "%.6f", d);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
