package dev.stm32emu.periph.flash;

/**
 * Holds the CPU's instruction fetches from the flash while the FPEC programs or erases it.
 * PM0075 §2.3: "During a write operation to the Flash memory, any attempt to read the Flash
 * memory will stall the bus"; code running from flash therefore waits for the end of the
 * operation without executing its BSY polling loop, while code running from SRAM goes on.
 * The board factory implements this with {@code Machine.stallFetches} over the flash address
 * range and, when the boot alias at 0 maps the flash, the alias too.
 */
@FunctionalInterface
public interface FetchStall {
    /**
     * Fetches from the flash stall until {@code untilPs} of virtual time; a time not after now
     * ends a stall (the operation ended early).
     */
    void stallUntil(long untilPs);

    /** For flash controllers without a CPU (register-level tests). */
    FetchStall NONE = untilPs -> {
    };
}
