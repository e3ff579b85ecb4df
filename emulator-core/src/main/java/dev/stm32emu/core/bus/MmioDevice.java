package dev.stm32emu.core.bus;

/**
 * A memory-mapped peripheral. It sees offsets from its own base, never absolute
 * addresses (ARCHITECTURE.md "Peripherals"); the bus decodes addresses.
 */
public interface MmioDevice {
    /**
     * A load of {@code size} bytes (1, 2 or 4) at {@code offset} from the device base.
     * Returns the value zero-extended.
     */
    int read(int offset, int size);

    /** A store of the low {@code size} bytes of {@code value} at {@code offset}. */
    void write(int offset, int size, int value);
}
