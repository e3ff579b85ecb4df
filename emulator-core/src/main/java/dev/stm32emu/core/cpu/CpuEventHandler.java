package dev.stm32emu.core.cpu;

/**
 * The system layer's half of the CPU seam: the backend calls these from inside
 * {@link CpuBackend#run}, on the machine thread. Exceptions thrown here are caught by
 * the backend, which stops the run and reports them through {@link RunExit#error()}.
 */
public interface CpuEventHandler {

    /**
     * The engine raised a trap. The handler may rewrite registers, including the PC,
     * to vector into an exception handler; it must then not also ask the run to stop
     * (facts-unicorn.md §3: a PC write and a stop in one hook loses the stop).
     *
     * @param trap what happened
     * @param code the engine's raw code, for reports
     * @return {@code true} to stop the run right here (the PC stays where it is)
     */
    boolean onTrap(CpuTrap trap, int code);

    /**
     * An instruction the engine could not execute: UDF, or a WFE/YIELD hint that the
     * engine reports the same way (facts-unicorn.md §2.5).
     *
     * @return {@code true} if the handler dealt with it (the run then ends normally),
     *         {@code false} to end the run with {@link RunExit.Reason#INVALID_INSTRUCTION}
     */
    boolean onInvalidInstruction();

    /**
     * An access to an address with nothing mapped. The run will end with
     * {@link RunExit.Reason#UNMAPPED_ACCESS}; the PC is then the start of the translation
     * block, not the faulting instruction (facts-unicorn.md §2.5).
     */
    void onUnmappedAccess(AccessKind kind, long address, int size, long value);

    /**
     * A store to a region mapped without write permission (flash, system memory). The
     * engine performs the store into the backing memory after this returns; the handler
     * decides what the memory must really hold and restores it in
     * {@link #onBlockBoundary()} if needed.
     */
    void onWriteToReadOnly(long address, int size, long value);

    /**
     * Called at the next translation-block boundary after
     * {@link CpuBackend#requestBlockCallback()}; a safe point to fix up memory.
     */
    void onBlockBoundary();
}
