package dev.stm32emu.cli;

import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.boards.BoardOptions;
import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.cli.flash.AppFile;
import dev.stm32emu.cli.flash.ConsoleLines;
import dev.stm32emu.cli.flash.FlashOutcome;
import dev.stm32emu.cli.flash.FlashReport;
import dev.stm32emu.cli.flash.FlashSession;
import dev.stm32emu.cli.flash.FlashSummary;
import dev.stm32emu.cli.flash.ProgressDisplay;
import dev.stm32emu.core.MachineStop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `stm32emu flash`: boots a board with a DfuSe bootloader and flashes an app into it with the
 * Java DfuSe host over a real USB/IP connection on loopback, the path a remote host takes.
 */
@Command(name = "flash", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Boot a board with a DfuSe bootloader and flash an app into it through USB/IP, as a remote "
                + "host would: the bootloader's USB device is served on 127.0.0.1 (an ephemeral port) and the "
                + "built-in DfuSe host imports it with a USB/IP client, downloads the app, reads it back when the "
                + "device can upload, and with --leave starts it.",
                "While the chip executes, the machine runs as fast as it can; while it sleeps waiting for the host, "
                + "virtual time follows the wall clock, so the report's virtual durations are what a board would "
                + "show. --realtime paces all of it to the wall clock."},
        footer = {"", "BOOT1: our bootloader starts the app after the leave-reset only if BOOT1 is high. On boards "
                + "whose definition names a BOOT1 pin (PB2 on bluepill and f103rc), --leave drives it high after a "
                + "successful download and before the leave request, as a user moves the jumper, and says so. "
                + "--leave-pin replaces that: --leave-pin PB2=0 keeps BOOT1 low, so the bootloader comes back.",
                "",
                "A raw binary goes to --address (default 0x08008000). A .dfu (DfuSe) file, an ELF or an Intel HEX "
                        + "file carries its own addresses: --address is then refused (exit code 2).",
                "",
                "Exit codes: 0 when everything that could be checked was (download, read-back when the device can "
                        + "upload, what runs after --leave); 1 for a device or DFU error (the line names the DFU state "
                        + "and status) or a failed check; 2 for bad input (missing or malformed files, an app that "
                        + "does not fit the device's memory layout or targets a read-only address).",
                "",
                "Examples:",
                "  stm32emu flash --board bluepill \\",
                "      --bootloader firmware-samples/build/f103/dfu-bootloader-bluepill.elf \\",
                "      --app firmware-samples/build/f103/blink-app-bluepill.bin --leave",
                "  stm32emu flash --board f103rc --bootloader dfu-bootloader-f103rc.elf \\",
                "      --app blink-app-f103rc.dfu --leave --report flash.json"})
public final class FlashCommand implements Callable<Integer> {
    /** Where a raw app goes without --address: our bootloader's app area (firmware-samples/README.md). */
    static final long DEFAULT_APP_ADDRESS = 0x0800_8000L;

    @Mixin
    BoardOptionsMixin boardOptions;

    @Option(names = "--bootloader", required = true, paramLabel = "FILE",
            description = "The DfuSe bootloader: ELF, Intel HEX, or a raw binary (at the flash base).")
    Path bootloader;

    @Option(names = "--app", required = true, paramLabel = "FILE",
            description = "The app: a raw binary (at --address), a DfuSe .dfu file, an ELF or an Intel HEX file.")
    Path app;

    @Option(names = "--address", paramLabel = "ADDR",
            description = "Where a raw binary app goes (default 0x08008000); refused for files with addresses.")
    String address;

    @Option(names = "--alt", paramLabel = "N", defaultValue = "0",
            description = "DFU alternate setting (dfu-util -a; default 0).")
    int alt;

    @Option(names = "--leave", description = "After the download, leave DFU mode (the DfuSe leave request) and "
            + "report what the chip runs after its reset.")
    boolean leave;

    @Option(names = "--leave-pin", paramLabel = "PIN=0|1", description = "With --leave: drive these pins before the "
            + "leave request instead of BOOT1 high, e.g. --leave-pin PB2=0. Repeatable.")
    List<String> leavePins = new ArrayList<>();

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write a JSON report: board, files (sizes, "
            + "SHA-256), memory layout, bytes written, erase/write/verify durations in wall and virtual time, final "
            + "DFU state, and what ran after the reset (first app blocks, VTOR).")
    Path report;

    @Option(names = "--usbip-log", paramLabel = "FILE", description = "Write every URB the bridge completes to FILE, "
            + "one JSON line each.")
    Path usbipLog;

    @Override
    public Integer call() {
        BoardDefinition def = boardOptions.definition();
        String boot1 = def.board().boot1Pin() == null || def.board().boot1Pin().isEmpty() ? null
                : def.board().boot1Pin().toUpperCase(Locale.ROOT);
        FlashReport.FileInfo bootInfo = fileInfo(bootloader, "--bootloader");
        Long at = address == null ? null : parseAddress(address);
        AppFile appFile = AppFile.read(app, at, DEFAULT_APP_ADDRESS, alt);
        Map<String, Boolean> pins = leavePins(boot1);
        if (!leave && !leavePins.isEmpty()) {
            throw new UserError("--leave-pin: only with --leave");
        }
        if (alt < 0 || alt > 255) {
            throw new UserError("--alt: expected 0..255, got " + alt);
        }
        FlashSession.Expect expect = boot1 != null && pins.containsKey(boot1)
                ? (pins.get(boot1) ? FlashSession.Expect.APP : FlashSession.Expect.BOOTLOADER)
                : FlashSession.Expect.EITHER;
        if (leave && boot1 == null && leavePins.isEmpty()) {
            System.out.println("note: the " + def.name() + " board names no BOOT1 pin; nothing is driven before the "
                    + "leave");
        }

        PrintStream out = System.out;
        String consoleUsart = def.board().console();
        boolean capture = consoleUsart != null && !consoleUsart.isEmpty()
                && !boardOptions.uartRoutes().containsKey(consoleUsart);
        BoardOptions options = boardOptions.options(new StreamConsole(System.out, System.err, System.in));
        if (!boardOptions.realTimeRequested()) {
            options = options.withPacing(dev.stm32emu.core.time.Pacing.IDLE_REAL_TIME);
        }
        ConsoleLines console = null;
        if (capture) {
            Map<String, String> uarts = new LinkedHashMap<>(options.uarts());
            uarts.put(consoleUsart, "none");
            options = options.withUarts(uarts);
            console = new ConsoleLines(line -> out.println(consoleUsart + "| " + line));
        }
        out.printf("flash: %s (%s), bootloader %s (%,d bytes)%n", def.name(), def.mcu(), bootloader, bootInfo.bytes());
        try (BoardSession session = new BoardSession(def, options, System.err)) {
            if (session.board().usb().isEmpty()) {
                throw new UserError("--board: the " + def.name() + " (" + def.mcu() + ") has no USB device; flash "
                        + "needs a board whose bootloader is a USB DFU device");
            }
            if (console != null) {
                session.board().connectSerial(consoleUsart, console);
            }
            session.load(bootloader, def.memory().flash().base());
            session.printNotes();
            session.board().machine().events().subscribe(new EventPrinter(System.err, boardOptions.traces()));
            BoardRunner runner = session.runInBackground();
            try (UsbIpServing serving = UsbIpServing.start(session.board(), runner,
                    new UsbIpServing.Endpoint("127.0.0.1", 0), false, out, usbipLog, false)) {
                FlashReport.Context context = new FlashReport.Context(def.name(), def.mcu(), boot1, bootInfo,
                        serving.host() + ":" + serving.port(), UsbIpServing.BUSID);
                FlashSession flash = new FlashSession(runner, serving.host(), serving.port(), UsbIpServing.BUSID, out,
                        new ProgressDisplay(out, ProgressDisplay.isTerminal()), console);
                FlashOutcome outcome = flash.run(appFile, FlashSession.Options.of(alt, leave, leave ? pins : Map.of(),
                        expect));
                int code = outcome.exitCode();
                if (runner.stopped().isDone()) {
                    MachineStop stop = runner.stopped().getNow(null);
                    if (stop != null && stop.kind() != MachineStop.Kind.REQUESTED) {
                        code = MachineStop.ABNORMAL_EXIT_CODE;
                    }
                }
                FlashSummary.print(out, context, outcome);
                if (report != null) {
                    writeReport(FlashReport.write(context, outcome, code, outcome.failure()));
                }
                if (outcome.failure() != null) {
                    System.err.println("stm32emu flash: " + outcome.failure());
                }
                return code;
            }
        }
    }

    private Map<String, Boolean> leavePins(String boot1) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (leavePins.isEmpty()) {
            if (boot1 != null) {
                out.put(boot1, true);
            }
            return out;
        }
        for (String p : leavePins) {
            String[] kv = p.split("=", 2);
            if (kv.length != 2 || !kv[0].trim().toUpperCase(Locale.ROOT).matches("P[A-G](1[0-5]|[0-9])")
                    || !kv[1].trim().matches("[01]")) {
                throw new UserError("--leave-pin: expected PIN=0 or PIN=1 (e.g. PB2=0), got '" + p + "'");
            }
            out.put(kv[0].trim().toUpperCase(Locale.ROOT), kv[1].trim().equals("1"));
        }
        return out;
    }

    private void writeReport(String json) {
        try {
            Files.writeString(report, json);
        } catch (IOException e) {
            throw new UserError("--report: cannot write " + report + ": " + e.getMessage());
        }
    }

    private static FlashReport.FileInfo fileInfo(Path file, String option) {
        try {
            byte[] data = Files.readAllBytes(file);
            return new FlashReport.FileInfo(file.toString(), data.length, AppFile.sha256(data));
        } catch (NoSuchFileException e) {
            throw new UserError(option + ": " + file + ": no such file");
        } catch (IOException e) {
            throw new UserError(option + ": " + file + ": cannot read: " + e.getMessage());
        }
    }

    static long parseAddress(String text) {
        try {
            String t = text.trim().toLowerCase(Locale.ROOT);
            long v = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UserError("--address: not an address: '" + text + "' (e.g. 0x08008000)");
        }
    }
}
