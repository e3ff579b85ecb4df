package dev.stm32emu.boards;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stm32emu.core.cpu.CpuModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads board and MCU definitions: the built-in ones (JSON resources under
 * dev/stm32emu/boards/board and /mcu) or a user's file. A board file names what it
 * {@code extends} (an MCU, or another board) the way a Renode .repl uses {@code using};
 * files are merged child over parent (see {@link Json#merge}). Every problem is a
 * {@link DefinitionException} naming the file and the field.
 */
public final class DefinitionLoader {
    private static final String ROOT = "/dev/stm32emu/boards/";
    private final ObjectMapper mapper = new ObjectMapper();

    /** Names of the built-in boards, from the resource index. */
    public List<String> boardNames() {
        try (InputStream in = DefinitionLoader.class.getResourceAsStream(ROOT + "boards.txt")) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the board index", e);
        }
    }

    /**
     * A board by built-in name ("bluepill") or by path to a JSON file (anything ending in
     * .json or containing a path separator).
     */
    public BoardDefinition board(String nameOrPath) throws DefinitionException {
        boolean isFile = nameOrPath.endsWith(".json") || nameOrPath.contains("/");
        Source start;
        if (isFile) {
            Path p = Path.of(nameOrPath);
            if (!Files.isRegularFile(p)) {
                throw new DefinitionException(nameOrPath + ": no such board file");
            }
            start = new Source(p.toString(), read(p), p.getParent());
        } else {
            String res = ROOT + "board/" + nameOrPath + ".json";
            String text = resource(res);
            if (text == null) {
                throw new DefinitionException("unknown board '" + nameOrPath + "' (known boards: "
                        + String.join(", ", boardNames()) + "; or give a path to a board .json file)");
            }
            start = new Source("board/" + nameOrPath + ".json", text, null);
        }
        List<String> chain = new ArrayList<>();
        JsonNode merged = resolve(start, chain, new LinkedHashSet<>());
        String source = String.join(" extends ", chain);
        return parse(merged, new Json(source));
    }

    private record Source(String name, String text, Path dir) {
    }

    private JsonNode resolve(Source src, List<String> chain, Set<String> seen) throws DefinitionException {
        if (!seen.add(src.name())) {
            throw new DefinitionException(src.name() + ": 'extends' forms a cycle: " + String.join(" -> ", seen));
        }
        chain.add(src.name());
        JsonNode node;
        try {
            node = mapper.readTree(src.text());
        } catch (JsonProcessingException e) {
            throw new DefinitionException(src.name() + ": malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new DefinitionException(src.name() + ": expected a JSON object");
        }
        JsonNode parentName = node.get("extends");
        if (parentName == null) {
            return node;
        }
        if (!parentName.isTextual()) {
            throw new DefinitionException(src.name() + ": field 'extends': expected the name of an MCU or board");
        }
        Source parent = locate(parentName.asText(), src);
        return Json.merge(resolve(parent, chain, seen), node);
    }

    private Source locate(String name, Source child) throws DefinitionException {
        if (child.dir() != null) {
            Path local = child.dir().resolve(name.endsWith(".json") ? name : name + ".json");
            if (Files.isRegularFile(local)) {
                return new Source(local.toString(), read(local), local.getParent());
            }
        }
        for (String kind : new String[]{"mcu", "board"}) {
            String text = resource(ROOT + kind + "/" + name + ".json");
            if (text != null) {
                return new Source(kind + "/" + name + ".json", text, null);
            }
        }
        throw new DefinitionException(child.name() + ": field 'extends': no MCU or board named '" + name + "'");
    }

    private BoardDefinition parse(JsonNode n, Json j) throws DefinitionException {
        String name = j.string(n, "name", "");
        String description = j.optString(n, "description", "", name);
        String mcu = j.optString(n, "mcu", "", name);
        String coreName = j.string(n, "core", "");
        CpuModel core = switch (coreName) {
            case "cortex-m3" -> CpuModel.CORTEX_M3;
            case "cortex-m4" -> CpuModel.CORTEX_M4;
            default -> throw j.error("core", "unknown core '" + coreName + "' (cortex-m3 or cortex-m4)");
        };
        String family = j.optString(n, "family", "", "generic");
        int irqs = (int) j.number(n, "irqCount", "");
        if (irqs < 1 || irqs > 240) {
            throw j.error("irqCount", "must be 1..240, got " + irqs);
        }
        int prioBits = (int) j.optNumber(n, "priorityBits", "", 4);
        if (prioBits < 2 || prioBits > 8) {
            throw j.error("priorityBits", "must be 2..8, got " + prioBits);
        }
        long resetHz = j.optNumber(n, "resetClockHz", "", 8_000_000);
        int calib = (int) j.optNumber(n, "sysTickCalib", "", 0x2328);
        int mpu = (int) j.optNumber(n, "mpuRegions", "", 0);
        BoardDefinition.Memory memory = memory(n, j);
        BoardDefinition.Ids ids = ids(n, j, memory);
        List<BoardDefinition.Window> windows = new ArrayList<>();
        int i = 0;
        for (JsonNode w : j.array(n, "peripheralWindows", "")) {
            String path = "peripheralWindows[" + i++ + "]";
            windows.add(new BoardDefinition.Window(j.number(w, "base", path), j.number(w, "size", path)));
        }
        List<BoardDefinition.Peripheral> peripherals = new ArrayList<>();
        i = 0;
        for (JsonNode p : j.array(n, "peripherals", "")) {
            peripherals.add(peripheral(p, j, "peripherals[" + i++ + "]"));
        }
        return new BoardDefinition(name, description, mcu, j.file(), core, family, irqs, prioBits, resetHz, calib, mpu,
                memory, ids, windows, peripherals, pcb(n, j));
    }

    private BoardDefinition.Memory memory(JsonNode n, Json j) throws DefinitionException {
        JsonNode m = j.required(n, "memory", "");
        BoardDefinition.Area flash = area(j.required(m, "flash", "memory"), j, "memory.flash");
        long page = j.optNumber(m.get("flash"), "pageSize", "memory.flash", 1024);
        BoardDefinition.Area sram = area(j.required(m, "sram", "memory"), j, "memory.sram");
        Optional<BoardDefinition.Area> sys = m.has("systemMemory")
                ? Optional.of(area(m.get("systemMemory"), j, "memory.systemMemory")) : Optional.empty();
        Optional<BoardDefinition.Area> ob = m.has("optionBytes")
                ? Optional.of(area(m.get("optionBytes"), j, "memory.optionBytes")) : Optional.empty();
        if (flash.size() % 1024 != 0 || flash.base() % 1024 != 0) {
            throw j.error("memory.flash", "base and size must be multiples of 1 KiB");
        }
        if (sram.size() % 1024 != 0 || sram.base() % 1024 != 0) {
            throw j.error("memory.sram", "base and size must be multiples of 1 KiB");
        }
        if (page <= 0 || flash.size() % page != 0) {
            throw j.error("memory.flash.pageSize", "must divide the flash size");
        }
        return new BoardDefinition.Memory(flash, page, sram, sys, ob);
    }

    private BoardDefinition.Area area(JsonNode a, Json j, String path) throws DefinitionException {
        long base = j.number(a, "base", path);
        long size = j.number(a, "size", path);
        if (size <= 0 || base < 0 || base + size > 0x1_0000_0000L) {
            throw j.error(path, "base and size must describe a range inside the 4 GiB address space");
        }
        return new BoardDefinition.Area(base, size);
    }

    private BoardDefinition.Ids ids(JsonNode n, Json j, BoardDefinition.Memory memory) throws DefinitionException {
        JsonNode ids = n.path("ids");
        int devId = (int) j.optNumber(ids, "devId", "ids", 0);
        int revId = (int) j.optNumber(ids, "revId", "ids", 0);
        long fsAddr = j.optNumber(ids, "flashSizeAddress", "ids", 0);
        long uidAddr = j.optNumber(ids, "uidAddress", "ids", 0);
        String uidText = j.optString(ids, "uid", "ids", "000000000000000000000000");
        byte[] uid;
        try {
            uid = HexFormat.of().parseHex(uidText.replace(" ", ""));
        } catch (IllegalArgumentException e) {
            throw j.error("ids.uid", "expected 24 hex digits, got \"" + uidText + "\"");
        }
        if (uid.length != 12) {
            throw j.error("ids.uid", "expected 24 hex digits (96 bits), got " + uid.length * 2);
        }
        return new BoardDefinition.Ids(devId, revId, fsAddr, uidAddr, uid);
    }

    private BoardDefinition.Peripheral peripheral(JsonNode p, Json j, String path) throws DefinitionException {
        String name = j.string(p, "name", path);
        String type = j.string(p, "type", path + "(" + name + ")");
        long base = j.number(p, "base", path + "(" + name + ")");
        long size = j.optNumber(p, "size", path, 0x400);
        List<Integer> irqs = new ArrayList<>();
        for (JsonNode irq : j.array(p, "irqs", path + "(" + name + ")")) {
            irqs.add((int) j.parseNumber(irq, path + "(" + name + ").irqs"));
        }
        Map<String, String> props = new LinkedHashMap<>();
        JsonNode pr = p.get("properties");
        if (pr != null && pr.isObject()) {
            pr.fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
        }
        return new BoardDefinition.Peripheral(name, type, base, size, List.copyOf(irqs), Map.copyOf(props));
    }

    private BoardDefinition.Pcb pcb(JsonNode n, Json j) throws DefinitionException {
        JsonNode b = n.path("board");
        long hse = j.optNumber(b, "hseHz", "board", 0);
        long lse = j.optNumber(b, "lseHz", "board", 0);
        JsonNode boot = b.path("boot");
        int boot0 = (int) j.optNumber(boot, "boot0", "board.boot", 0);
        String boot1Pin = j.optString(boot, "boot1Pin", "board.boot", "");
        int boot1 = (int) j.optNumber(boot, "boot1", "board.boot", 0);
        if (boot0 < 0 || boot0 > 1 || boot1 < 0 || boot1 > 1) {
            throw j.error("board.boot", "boot0 and boot1 must be 0 or 1");
        }
        List<BoardDefinition.Led> leds = new ArrayList<>();
        int i = 0;
        for (JsonNode l : j.array(b, "leds", "board")) {
            String path = "board.leds[" + i++ + "]";
            leds.add(new BoardDefinition.Led(j.string(l, "name", path), pin(j.string(l, "pin", path), j, path + ".pin"),
                    j.optBoolean(l, "activeLow", path, false)));
        }
        JsonNode usb = b.path("usb");
        String pullUp = j.optString(usb, "pullUp", "board.usb", "none");
        if (!pullUp.equals("fixed") && !pullUp.equals("none")) {
            pin(pullUp, j, "board.usb.pullUp");
        }
        boolean activeLow = j.optBoolean(usb, "activeLow", "board.usb", false);
        String console = j.optString(b, "console", "board", "");
        Map<String, Boolean> levels = new LinkedHashMap<>();
        JsonNode pins = b.get("pins");
        if (pins != null && pins.isObject()) {
            var it = pins.fields();
            while (it.hasNext()) {
                var e = it.next();
                pin(e.getKey(), j, "board.pins");
                if (!e.getValue().isInt() || e.getValue().asInt() < 0 || e.getValue().asInt() > 1) {
                    throw j.error("board.pins." + e.getKey(), "expected 0 or 1");
                }
                levels.put(e.getKey(), e.getValue().asInt() == 1);
            }
        }
        if (!boot1Pin.isEmpty()) {
            pin(boot1Pin, j, "board.boot.boot1Pin");
        }
        return new BoardDefinition.Pcb(hse, lse, boot0, boot1Pin, boot1, List.copyOf(leds), pullUp, activeLow, console,
                Map.copyOf(levels));
    }

    private static String pin(String text, Json j, String field) throws DefinitionException {
        if (!text.matches("P[A-G](1[0-5]|[0-9])")) {
            throw j.error(field, "not a pin name: \"" + text + "\" (examples: PA12, PC13)");
        }
        return text;
    }

    private static String read(Path p) throws DefinitionException {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new DefinitionException(p + ": cannot read: " + e.getMessage());
        }
    }

    private static String resource(String path) {
        try (InputStream in = DefinitionLoader.class.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
