package dev.stm32emu.cli;

import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.core.MachineStop;
import dev.stm32emu.core.time.Ticks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `stm32emu run`: runs a firmware image on a board. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a firmware image on an emulated board.",
                "Semihosting output goes to stdout/stderr; the exit code is the firmware's semihosting exit code."},
        footer = {"", "Examples:",
                "  stm32emu run --board generic-m4 --firmware test.elf --timeout 5s",
                "  stm32emu run --board bluepill --firmware blink.elf --trace gpio --timeout 3s"})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    BoardOptionsMixin boardOptions;

    @Option(names = "--firmware", required = true, paramLabel = "FILE",
            description = "ELF, Intel HEX, or raw binary (loaded at the flash base or --load-address).")
    Path firmware;

    @Option(names = "--load-address", paramLabel = "ADDR", description = "Where a raw binary goes (default: the flash base).")
    String loadAddress;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop after DURATION of virtual time (e.g. 5s, 200ms); exit code 124.")
    String timeout;

    @Option(names = "--usbip", paramLabel = "[HOST:]PORT", arity = "0..1", fallbackValue = "127.0.0.1:3240",
            description = "Export the board's USB device over USB/IP (default 127.0.0.1:3240, bus id 1-1). "
                    + "Virtual time is then paced to the wall clock unless --fast.")
    String usbip;

    @Option(names = "--usbip-allow-remote", description = "Allow --usbip on a non-loopback address (USB/IP has no "
            + "authentication).")
    boolean allowRemote;

    @Option(names = "--usbip-log", paramLabel = "FILE", description = "With --usbip: write every URB the bridge "
            + "completes to FILE, one JSON line each.")
    java.nio.file.Path usbipLog;

    @Option(names = "--fast", description = "With --usbip: run as fast as possible instead of in real time.")
    boolean fast;

    @Option(names = "--stats", description = "At the end, print instructions executed, virtual and wall time, and MIPS "
            + "to stderr.")
    boolean stats;

    @Override
    public Integer call() {
        BoardDefinition def = boardOptions.definition();
        long limit = timeout == null ? 0 : parseDuration(timeout);
        long raw = loadAddress == null ? def.memory().flash().base() : parseAddress(loadAddress);
        StreamConsole console = new StreamConsole(System.out, System.err, System.in);
        UsbIpServing.Endpoint usbipAt = usbip == null ? null : UsbIpServing.Endpoint.parse(usbip);
        var options = boardOptions.options(console);
        if (usbipAt != null && !fast) {
            options = options.withPacing(dev.stm32emu.core.time.Pacing.REAL_TIME);
        }
        try (BoardSession session = new BoardSession(def, options, System.err)) {
            session.load(firmware, raw);
            session.printNotes();
            session.board().machine().events().subscribe(new EventPrinter(System.err, boardOptions.traces()));
            if (usbipAt != null) {
                subscribeResets(session);
            }
            UsbIpServing serving = usbipAt == null ? null
                    : UsbIpServing.start(session.board(), new dev.stm32emu.boards.BoardRunner(session.board()), usbipAt,
                    allowRemote, System.err, usbipLog);
            long t0 = System.nanoTime();
            MachineStop stop;
            try {
                stop = session.run(limit);
            } finally {
                if (serving != null) {
                    serving.close();
                }
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            System.out.flush();
            if (stats) {
                long n = session.board().machine().clock().cycles();
                System.err.printf("stm32emu: %d cycles, %ss of virtual time, %.3f s of wall time, %.1f MIPS%n", n,
                        Ticks.formatSeconds(stop.timePs()), wall, n / wall / 1e6);
            }
            return session.exitCode(stop);
        }
    }

    /** With --usbip, every reset gets a line (the user sees the device go and come back). */
    private void subscribeResets(BoardSession session) {
        if (boardOptions.traces().contains(BoardOptionsMixin.Trace.RESET)) {
            return;
        }
        session.board().machine().events().subscribe(e -> {
            if (e instanceof dev.stm32emu.core.event.MachineEvent.Reset r
                    && r.kind() != dev.stm32emu.core.event.ResetKind.POWER_ON) {
                System.err.printf("stm32emu: t=%ss reset (%s), boot from %s%n", Ticks.formatSeconds(r.timePs()),
                        r.kind().name().toLowerCase().replace('_', ' '), r.bootSource());
            }
        });
    }

    static long parseDuration(String text) {
        try {
            long ps = Ticks.parseDuration(text);
            if (ps <= 0) {
                throw new UserError("--timeout: must be positive, got '" + text + "'");
            }
            return ps;
        } catch (IllegalArgumentException e) {
            throw new UserError("--timeout: " + e.getMessage());
        }
    }

    static long parseAddress(String text) {
        try {
            String t = text.trim().toLowerCase();
            long v = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UserError("--load-address: not an address: '" + text + "' (e.g. 0x08008000)");
        }
    }
}
