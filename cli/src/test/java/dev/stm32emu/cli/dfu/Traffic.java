package dev.stm32emu.cli.dfu;

import dev.stm32emu.core.usb.SetupPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test helper: a simulated device's log as one readable line per request. */
final class Traffic {

    private Traffic() {
    }

    /** Every request, formatted by {@link #line}. */
    static List<String> lines(SimulatedDfuDevice device) {
        List<String> out = new ArrayList<>();
        for (SimulatedDfuDevice.Exchange e : device.log()) {
            out.add(line(e));
        }
        return out;
    }

    /** Requests per histogram bucket. */
    static Map<String, Integer> histogram(SimulatedDfuDevice device) {
        Map<String, Integer> h = new TreeMap<>();
        for (SimulatedDfuDevice.Exchange e : device.log()) {
            h.merge(e.name(), 1, Integer::sum);
        }
        return h;
    }

    /**
     * "GETSTATUS", "DNLOAD 2 len 2048", "DNLOAD 0 [41 00 00 00 08]" (DfuSe commands, up to 5 bytes at wValue 0, show their bytes),
     * "UPLOAD 3 len 2048", "SET_INTERFACE 0", "ABORT", "GET_DESCRIPTOR STRING 4".
     */
    static String line(SimulatedDfuDevice.Exchange e) {
        SetupPacket s = e.setup();
        String name = e.name();
        return switch (name) {
            case "DNLOAD" -> s.value() == 0 && s.length() > 0 && s.length() <= 5 ? "DNLOAD 0 " + commandBytes(e)
                    : "DNLOAD " + s.value() + " len " + s.length();
            case "UPLOAD" -> "UPLOAD " + s.value() + " len " + s.length();
            case "SET_INTERFACE" -> "SET_INTERFACE " + s.value();
            case "GET_DESCRIPTOR" -> "GET_DESCRIPTOR " + (s.value() >> 8 == 3 ? "STRING " : "TYPE " + (s.value() >> 8) + " ")
                    + (s.value() & 0xFF);
            default -> name;
        };
    }

    private static String commandBytes(SimulatedDfuDevice.Exchange e) {
        StringBuilder b = new StringBuilder("[");
        for (byte x : e.out()) {
            b.append(b.length() > 1 ? " " : "").append(String.format("%02x", x & 0xFF));
        }
        return b.append(']').toString();
    }
}
