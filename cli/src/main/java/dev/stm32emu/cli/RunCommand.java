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

    @Option(names = "--stats", description = "At the end, print instructions executed, virtual and wall time, and MIPS "
            + "to stderr.")
    boolean stats;

    @Override
    public Integer call() {
        BoardDefinition def = boardOptions.definition();
        long limit = timeout == null ? 0 : parseDuration(timeout);
        long raw = loadAddress == null ? def.memory().flash().base() : parseAddress(loadAddress);
        StreamConsole console = new StreamConsole(System.out, System.err, System.in);
        try (BoardSession session = new BoardSession(def, boardOptions.options(console), System.err)) {
            session.load(firmware, raw);
            session.printNotes();
            session.board().machine().events().subscribe(new EventPrinter(System.err, boardOptions.traces()));
            long t0 = System.nanoTime();
            MachineStop stop = session.run(limit);
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
