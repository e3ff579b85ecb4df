package dev.stm32emu.cli;

import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.boards.BoardOptions;
import dev.stm32emu.boards.DefinitionException;
import dev.stm32emu.boards.DefinitionLoader;
import dev.stm32emu.core.semihosting.SemihostingConsole;
import dev.stm32emu.core.time.Pacing;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Options every command that runs a board shares (`run`, `flash`). */
public final class BoardOptionsMixin {

    @Option(names = "--board", required = true, paramLabel = "NAME|FILE",
            description = "Board to emulate: a built-in name (see `stm32emu boards`) or a board .json file.")
    String board;

    @Option(names = "--flash-image", paramLabel = "FILE",
            description = "Back the flash with FILE: created from the firmware on first use, opened as is later; "
                    + "every completed program or erase is in the file.")
    Path flashImage;

    @Option(names = "--system-memory", paramLabel = "FILE",
            description = "Load FILE into the system memory (ST's ROM bootloader area; empty by default).")
    Path systemMemory;

    @Option(names = "--pin", paramLabel = "PIN=0|1", description = "Drive a pin from the board side, e.g. --pin PB2=1 "
            + "(BOOT1 on the bluepill). Repeatable.")
    List<String> pins = new ArrayList<>();

    @Option(names = "--boot0", paramLabel = "0|1", description = "Level of the BOOT0 pin (default: the board's).")
    Integer boot0;

    @Option(names = "--uart", paramLabel = "USART=stdout|FILE|tcp:PORT",
            description = "Where a USART's output goes (and input comes from, for tcp:PORT and stdout/stdin), e.g. "
                    + "--uart usart1=tcp:4001. Default: the board's console USART to stdout. Repeatable.")
    List<String> uarts = new ArrayList<>();

    @Option(names = "--trace", split = ",", paramLabel = "WHAT",
            description = "Print events to stderr with their virtual time: gpio (output pin changes), reset, flash, irq.")
    List<String> trace = new ArrayList<>();

    @Option(names = "--log", paramLabel = "WHAT", defaultValue = "guest",
            description = "What device messages to print on stderr (once each): guest (the firmware did something the "
                    + "manual calls undefined; the default), unimp (the model lacks a feature), all, none.")
    String log;

    @Option(names = "--realtime", description = "Pace virtual time to wall-clock time (default: run as fast as possible).")
    boolean realTime;

    @Option(names = "--instant-flash", description = "Flash operations complete at once instead of taking datasheet time.")
    boolean instantFlash;

    /** Trace categories. */
    public enum Trace { GPIO, RESET, FLASH, IRQ }

    BoardDefinition definition() {
        LogSetup.configure(log);
        try {
            return new DefinitionLoader().board(board);
        } catch (DefinitionException e) {
            throw new UserError(e.getMessage());
        }
    }

    Set<Trace> traces() {
        Set<Trace> out = EnumSet.noneOf(Trace.class);
        for (String t : trace) {
            try {
                out.add(Trace.valueOf(t.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UserError("--trace: unknown category '" + t + "' (gpio, reset, flash, irq)");
            }
        }
        return out;
    }

    Map<String, Boolean> pinLevels() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String p : pins) {
            String[] kv = p.split("=", 2);
            if (kv.length != 2 || !kv[0].trim().toUpperCase(Locale.ROOT).matches("P[A-G](1[0-5]|[0-9])")
                    || !kv[1].trim().matches("[01]")) {
                throw new UserError("--pin: expected PIN=0 or PIN=1 (e.g. PB2=1), got '" + p + "'");
            }
            out.put(kv[0].trim().toUpperCase(Locale.ROOT), kv[1].trim().equals("1"));
        }
        return out;
    }

    BoardOptions options(SemihostingConsole console) {
        if (boot0 != null && boot0 != 0 && boot0 != 1) {
            throw new UserError("--boot0: expected 0 or 1, got " + boot0);
        }
        return new BoardOptions(console, Optional.ofNullable(flashImage), Optional.ofNullable(systemMemory), pinLevels(),
                Optional.ofNullable(boot0), instantFlash, realTime ? Pacing.REAL_TIME : Pacing.FREE, uartRoutes());
    }

    /** @return true if the user asked for --realtime */
    boolean realTimeRequested() {
        return realTime;
    }

    Map<String, String> uartRoutes() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String u : uarts) {
            String[] kv = u.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new UserError("--uart: expected USART=stdout|none|FILE|tcp:PORT (e.g. usart1=tcp:4001), got '" + u + "'");
            }
            out.put(kv[0].trim().toLowerCase(Locale.ROOT), kv[1].trim());
        }
        return out;
    }
}
