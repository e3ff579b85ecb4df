package dev.stm32emu.core.cpu;

/**
 * Receives the CPU's accesses to a memory-mapped I/O window. Called on the machine
 * thread from inside the CPU engine: implementations must not block and must not try to
 * stop the engine (ask the backend with {@link CpuBackend#requestStop()} instead).
 */
public interface MmioHandler {
    /**
     * A load from the window.
     *
     * @param offset byte offset from the window's base
     * @param size   access width in bytes: 1, 2 or 4
     * @return the loaded value, zero-extended
     */
    int read(long offset, int size);

    /**
     * A store to the window.
     *
     * @param offset byte offset from the window's base
     * @param size   access width in bytes: 1, 2 or 4
     * @param value  the stored value in the low {@code size} bytes
     */
    void write(long offset, int size, int value);
}
