package dev.stm32emu.core.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The seam between the machine and the engine that executes Thumb instructions.
 * One thread owns a backend: every method except {@link #requestStop()} must be called
 * on the machine thread, and {@link #run} only returns at a translation-block boundary,
 * the only place where the engine can stop without replaying instructions
 * (facts-unicorn.md §0).
 */
public interface CpuBackend extends AutoCloseable {

    /** The core this backend executes. */
    CpuModel model();

    /** Installs the handler that receives traps and faults. Call before the first run. */
    void setEventHandler(CpuEventHandler handler);

    /**
     * Reads a register. Works in every privilege state: the backend hides the engine's
     * habit of applying guest privilege to host accesses (facts-unicorn.md §2.3).
     */
    int read(CpuRegister register);

    /** Writes a register, with the same privilege caveat handled as {@link #read}. */
    void write(CpuRegister register, int value);

    /**
     * Makes the engine recompute its cached execution state (handler/thread mode,
     * privilege) after IPSR, XPSR or CONTROL changed (facts-unicorn.md §2.3 pitfall 2).
     */
    void refreshExecutionState();

    /**
     * Maps host memory into the guest address space. The same segment may be mapped at
     * several addresses (aliases); writes through any of them are visible in all.
     *
     * @param address guest address, 1 KiB aligned
     * @param memory  backing memory, a multiple of 1 KiB long; must outlive the backend
     * @param perms   what the guest may do there; stores to a region without write
     *                permission reach {@link CpuEventHandler#onWriteToReadOnly}
     */
    void mapMemory(long address, MemorySegment memory, MemoryPermissions perms);

    /** Removes a mapping made by {@link #mapMemory} or {@link #mapMmio}. */
    void unmap(long address, long size);

    /** Maps a window whose loads and stores are delivered to {@code handler}. */
    void mapMmio(long address, long size, MmioHandler handler);

    /** Forgets translated code for an address range whose memory the host changed. */
    void invalidateCode(long address, long size);

    /**
     * Executes from {@code pc} until the budget is used up, a stop is requested, or
     * something ends the run (see {@link RunExit.Reason}).
     *
     * @param pc                 where to start (the Thumb bit is added by the backend)
     * @param instructionBudget  the run stops at the first block boundary at or after
     *                           this many retired instructions
     */
    RunExit run(int pc, long instructionBudget);

    /** Asks a running {@link #run} to end at the next block boundary. Any thread. */
    void requestStop();

    /**
     * Installs a check made at every block boundary while set (null removes it), given the
     * block's start address: when it returns true the run ends there with {@link RunExit.Reason#STOP_REQUESTED}. It costs
     * a call per block, so the machine sets it only while it waits for something that
     * cannot be trapped, such as an interrupt held back by PRIMASK until a CPSIE.
     */
    void setBlockProbe(java.util.function.LongPredicate probe);

    /** Asks for one {@link CpuEventHandler#onBlockBoundary()} call at the next block boundary. */
    void requestBlockCallback();

    /** Start address of the translation block executing now (or last executed). */
    long currentBlockAddress();

    /** Size in bytes of that block. */
    int currentBlockSize();

    /**
     * From inside an MMIO callback: ends the run right after the access in progress, so
     * the rest of its block does not execute. The engine leaves the PC at the block start
     * (facts-unicorn.md §3), so the caller must set the PC before the next run; this is
     * how a faulting peripheral access is made precise.
     */
    void stopAfterCurrentAccess();

    /** Retired instructions counted so far in the current run (valid inside callbacks). */
    long instructionsInCurrentRun();

    /** Releases the engine. */
    @Override
    void close();
}
