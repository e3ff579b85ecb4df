package dev.stm32emu.periph.flash;

/**
 * How long the flash controller stays busy (FLASH_SR.BSY) per operation, in virtual
 * picoseconds.
 *
 * @param programPs   one half-word program (also an option-byte half-word)
 * @param pageErasePs one page erase (also the option-byte erase)
 * @param massErasePs the mass erase
 */
public record FlashTiming(long programPs, long pageErasePs, long massErasePs) {
    /**
     * The datasheets' figures (DS5319 for F103x8/B and DS5792 for F103xC/D/E, "Flash
     * memory characteristics"; facts-stm32f1.md §4.4): tPROG 52.5 us typical; tERASE and
     * tME are given as 20 to 40 ms with no typical value, so the model takes the minimum,
     * 20 ms, that the fastest conforming part needs.
     */
    public static final FlashTiming DATASHEET = new FlashTiming(52_500_000L, 20_000_000_000L, 20_000_000_000L);

    /** Operations complete at the next scheduler run, without virtual time passing. */
    public static final FlashTiming INSTANT = new FlashTiming(0, 0, 0);

    public FlashTiming {
        if (programPs < 0 || pageErasePs < 0 || massErasePs < 0) {
            throw new IllegalArgumentException("flash timings cannot be negative");
        }
    }
}
