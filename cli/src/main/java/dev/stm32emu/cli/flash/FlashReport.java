package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.dfu.DfuFunctionalDescriptor;
import dev.stm32emu.cli.dfu.DfuProgressListener.Phase;
import dev.stm32emu.cli.dfu.DfuState;
import dev.stm32emu.cli.dfu.DfuStatus;
import dev.stm32emu.cli.dfu.MemorySegment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON report of `stm32emu flash --report` (schema "stm32emu-flash/1", documented in
 * README.md): built as maps and lists, written by {@link Json}. Addresses are "0x%08x"
 * strings, sizes are numbers of bytes, durations are milliseconds (wall and virtual).
 */
public final class FlashReport {
    /** The schema name and version written in every report. */
    public static final String SCHEMA = "stm32emu-flash/1";

    private FlashReport() {
    }

    /**
     * What the command knew before the session: the board and the files.
     *
     * @param board          board name
     * @param mcu            MCU name
     * @param boot1Pin       the board's BOOT1 pin, or null
     * @param bootloader     the bootloader file (path, bytes, sha256)
     * @param usbip          "HOST:PORT" of the loopback server
     * @param busid          the exported bus id
     */
    public record Context(String board, String mcu, String boot1Pin, FileInfo bootloader, String usbip, String busid) {
    }

    /** A file as the report names it. */
    public record FileInfo(String path, long bytes, String sha256) {
    }

    /** The report of a session (outcome may be null when the run failed before it started). */
    public static String write(Context c, FlashOutcome o, int exitCode, String error) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("schema", SCHEMA);
        r.put("ok", exitCode == 0);
        r.put("exitCode", exitCode);
        r.put("error", error);
        r.put("board", map("name", c.board(), "mcu", c.mcu(), "boot1Pin", c.boot1Pin()));
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("bootloader", file(c.bootloader(), null));
        files.put("app", o == null ? null : file(new FileInfo(o.app.path().toString(), o.app.bytes(), o.app.sha256()),
                o.app.format()));
        r.put("files", files);
        r.put("usbip", map("server", c.usbip(), "busid", c.busid(),
                "device", o == null || o.device == null ? null
                        : String.format("%04x:%04x", o.device.idVendor(), o.device.idProduct())));
        if (o == null) {
            return Json.write(r);
        }
        r.put("dfu", dfu(o));
        r.put("layout", layout(o));
        r.put("download", download(o));
        r.put("verify", map("possible", o.verifyDecision != null && o.verifyDecision.verify(),
                "done", o.phases.containsKey(Phase.VERIFY), "ok", o.verified,
                "reason", o.verifyDecision == null ? null : o.verifyDecision.reason()));
        r.put("timing", timing(o));
        r.put("finalDfuState", o.finalStatus == null ? null : map(
                "state", DfuState.nameOf(o.finalStatus.stateCode()),
                "status", DfuStatus.nameOf(o.finalStatus.statusCode()),
                "pollTimeoutMs", o.finalStatus.pollTimeoutMillis()));
        r.put("leave", leave(o));
        r.put("afterReset", afterReset(o));
        r.put("warnings", List.copyOf(o.warnings));
        return Json.write(r);
    }

    private static Map<String, Object> file(FileInfo f, String format) {
        Map<String, Object> m = map("path", f.path(), "bytes", f.bytes(), "sha256", f.sha256());
        if (format != null) {
            m.put("format", format);
        }
        return m;
    }

    private static Map<String, Object> dfu(FlashOutcome o) {
        if (o.dfuInterface == null) {
            return null;
        }
        DfuFunctionalDescriptor f = o.dfuInterface.functional();
        return map("alt", o.dfuInterface.alternateSetting(), "interface", o.dfuInterface.interfaceNumber(),
                "name", o.dfuInterface.name(), "serial", o.dfuInterface.serial(),
                "bcdDFUVersion", String.format("0x%04x", f.bcdDfuVersion()), "wTransferSize", f.transferSize(),
                "transferSize", o.transferSize, "canDownload", f.canDownload(), "canUpload", f.canUpload(),
                "manifestationTolerant", f.manifestationTolerant(), "willDetach", f.willDetach());
    }

    private static Map<String, Object> layout(FlashOutcome o) {
        if (o.layout == null) {
            return null;
        }
        List<Object> segments = new ArrayList<>();
        for (MemorySegment s : o.layout.segments()) {
            segments.add(map("start", Json.hex32(s.start()), "end", Json.hex32(s.end()), "pageSize", s.pageSize(),
                    "pages", s.size() / Math.max(1, s.pageSize()), "readable", s.readable(), "erasable", s.erasable(),
                    "writeable", s.writeable()));
        }
        return map("name", o.layout.name().strip(), "segments", segments);
    }

    private static Map<String, Object> download(FlashOutcome o) {
        List<Object> elements = new ArrayList<>();
        for (AppFile.Range e : o.app.elements()) {
            elements.add(map("address", Json.hex32(e.address()), "end", Json.hex32(e.end() - 1), "bytes", e.size()));
        }
        boolean written = o.downloaded || o.phases.containsKey(Phase.VERIFY);
        return map("elements", elements, "bytesWritten", written ? o.app.payloadBytes() : 0,
                "transferSize", o.transferSize);
    }

    private static Map<String, Object> timing(FlashOutcome o) {
        Map<String, Object> t = new LinkedHashMap<>();
        for (Phase p : new Phase[]{Phase.ERASE, Phase.WRITE, Phase.VERIFY}) {
            PhaseClock.Duration d = o.phases.get(p);
            t.put(p.name().toLowerCase(Locale.ROOT), d == null ? null : duration(d));
        }
        t.put("leave", o.leaveDuration == null ? null : duration(o.leaveDuration));
        t.put("totalWallMs", o.totalWallNanos / 1e6);
        t.put("pollWaitMs", o.pollWaitMillis);
        t.put("waitMs", o.waitMillis);
        t.put("requests", new LinkedHashMap<>(o.requests));
        return t;
    }

    private static Map<String, Object> duration(PhaseClock.Duration d) {
        return map("wallMs", d.wallNanos() / 1e6, "virtualMs", d.virtualPs() / 1e9);
    }

    private static Map<String, Object> leave(FlashOutcome o) {
        Map<String, Object> pins = new LinkedHashMap<>();
        o.pinsDriven.forEach((k, v) -> pins.put(k, v ? 1 : 0));
        return map("requested", o.options.leave(), "done", o.leaveDone, "pinsDriven", pins,
                "disconnected", o.disconnected,
                "reset", o.afterReset == null ? null : map(
                        "kind", o.afterReset.reset().kind().name(),
                        "virtualTimeS", seconds(o.afterReset.reset().timePs()),
                        "bootSource", o.afterReset.reset().bootSource()));
    }

    private static Map<String, Object> afterReset(FlashOutcome o) {
        if (o.afterReset == null) {
            return null;
        }
        AfterResetProbe.Result a = o.afterReset;
        List<Object> blocks = new ArrayList<>();
        for (int i = 0; i < a.firstAppBlocks().size(); i++) {
            List<Object> words = new ArrayList<>();
            for (int h : a.halfwords().get(i)) {
                words.add(String.format("%04x", h));
            }
            blocks.add(map("address", Json.hex32(a.firstAppBlocks().get(i)), "halfwords", words));
        }
        return map("runs", o.runs == null ? null : o.runs.name().toLowerCase(Locale.ROOT),
                "summary", FlashSession.describeRuns(o),
                "vtor", Json.hex32(a.vtor()),
                "appResetHandler", Json.hex32(o.appResetHandler),
                "firstAppBlocks", blocks,
                "appBlocksExecuted", a.appBlocksExecuted(),
                "tracedUntilVirtualS", seconds(a.endedPs()),
                "console", o.consoleAfterLeave);
    }

    private static double seconds(long ps) {
        return ps / 1e12;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
