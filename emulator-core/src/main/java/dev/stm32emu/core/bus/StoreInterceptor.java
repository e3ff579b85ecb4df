package dev.stm32emu.core.bus;

/**
 * Decides what a store to read-only memory really does. The flash controller implements
 * it for the main flash and the option bytes: programming happens only when the
 * controller allows it (PM0075 §2.3.3), otherwise the memory keeps its old contents.
 */
@FunctionalInterface
public interface StoreInterceptor {
    /**
     * The CPU stored {@code value} ({@code size} bytes) at {@code offset} in the region.
     *
     * @param current the bytes there before the store, little-endian in the low bytes
     * @return the value the memory must hold afterwards (same size)
     */
    long store(long offset, int size, long value, long current);
}
