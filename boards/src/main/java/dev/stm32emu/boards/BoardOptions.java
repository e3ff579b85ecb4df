package dev.stm32emu.boards;

import dev.stm32emu.core.semihosting.SemihostingConsole;
import dev.stm32emu.core.time.Pacing;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the user chose for a board run, on top of the board definition.
 *
 * @param console          where semihosting output goes
 * @param flashImage       a file backing the flash (created from the firmware on first use)
 * @param systemMemory     an image for the system memory (ST's ROM bootloader area)
 * @param pins             board-side pin levels overriding the board's defaults ("PB2" -> true)
 * @param boot0            BOOT0 level overriding the board's default
 * @param instantFlash     flash operations complete at once instead of taking datasheet time
 * @param pacing           how virtual time relates to the wall clock
 * @param uarts            where each USART goes: "stdout", "none", "tcp:PORT" or a file path; the
 *                         board's console USART defaults to "stdout", the others to "none"
 */
public record BoardOptions(SemihostingConsole console, Optional<Path> flashImage, Optional<Path> systemMemory,
                           Map<String, Boolean> pins, Optional<Integer> boot0, boolean instantFlash, Pacing pacing,
                           Map<String, String> uarts) {

    public BoardOptions {
        pins = Map.copyOf(pins);
        java.util.Objects.requireNonNull(pacing, "pacing");
        uarts = Map.copyOf(uarts);
    }

    /** Defaults: console as given, nothing else. */
    public static BoardOptions defaults(SemihostingConsole console) {
        return new BoardOptions(console, Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), false, Pacing.FREE,
                Map.of());
    }

    public BoardOptions withPins(Map<String, Boolean> p) {
        return new BoardOptions(console, flashImage, systemMemory, p, boot0, instantFlash, pacing, uarts);
    }

    public BoardOptions withFlashImage(Path p) {
        return new BoardOptions(console, Optional.ofNullable(p), systemMemory, pins, boot0, instantFlash, pacing, uarts);
    }

    public BoardOptions withUarts(Map<String, String> u) {
        return new BoardOptions(console, flashImage, systemMemory, pins, boot0, instantFlash, pacing, u);
    }

    public BoardOptions withPacing(Pacing p) {
        return new BoardOptions(console, flashImage, systemMemory, pins, boot0, instantFlash, p, uarts);
    }

    public BoardOptions withInstantFlash(boolean on) {
        return new BoardOptions(console, flashImage, systemMemory, pins, boot0, on, pacing, uarts);
    }
}
