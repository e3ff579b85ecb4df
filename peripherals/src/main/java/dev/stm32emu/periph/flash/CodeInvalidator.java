package dev.stm32emu.periph.flash;

/**
 * Tells the CPU engine that flash contents changed behind its back, so code it translated
 * from that range must be translated again. Erases write the flash memory from Java; the
 * board factory implements this with {@code cpu.invalidateCode} on the flash address
 * (0x08000000 + offset) and, when the boot alias at 0 maps the flash, on the alias too.
 * Program stores go through the CPU's own store path and need no call.
 *
 * <p>Called only between CPU slices (from scheduler events), never from inside an engine
 * callback.
 */
@FunctionalInterface
public interface CodeInvalidator {
    /** Invalidates {@code length} bytes of flash from {@code flashOffset}. */
    void invalidate(long flashOffset, long length);

    /** For flash controllers without a CPU (register-level tests). */
    CodeInvalidator NONE = (offset, length) -> {
    };
}
