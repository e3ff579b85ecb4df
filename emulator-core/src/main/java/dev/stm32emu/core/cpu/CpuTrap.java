package dev.stm32emu.core.cpu;

/**
 * Exceptional events the CPU engine reports while it executes instructions.
 * The engine never implements the ARMv7-M exception model itself (facts-unicorn.md §0):
 * it only tells the system layer that one of these happened.
 */
public enum CpuTrap {
    /** SVC executed; the PC already points at the next instruction. */
    SUPERVISOR_CALL,
    /** BKPT executed; the PC points at the BKPT itself. */
    BREAKPOINT,
    /** A branch to an EXC_RETURN value in handler mode; the PC holds EXC_RETURN without bit 0. */
    EXCEPTION_RETURN,
    /** Instruction fetch from an execute-never region; the PC holds the target. */
    PREFETCH_ABORT,
    /** A data access the engine refused (e.g. alignment, permissions). */
    DATA_ABORT,
    /** A coprocessor (FPU) instruction on a core without one; the PC holds the instruction. */
    NO_COPROCESSOR,
    /** Execution with EPSR.T = 0. */
    INVALID_STATE,
    /** Unaligned access that must fault. */
    UNALIGNED,
    /** Anything else the engine raised; see {@link CpuEventHandler#onTrap}'s code. */
    OTHER
}
