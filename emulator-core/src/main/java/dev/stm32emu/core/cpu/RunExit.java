package dev.stm32emu.core.cpu;

/**
 * Why {@link CpuBackend#run} returned, and how many instructions it retired.
 *
 * @param reason       why the run ended
 * @param instructions instructions retired in this run (counted per executed block)
 * @param engineCode   the engine's raw error code when {@code reason} is an error, else 0
 * @param error        an exception thrown by a callback, if that ended the run
 */
public record RunExit(Reason reason, long instructions, int engineCode, Throwable error) {

    /** Why a run ended. */
    public enum Reason {
        /** The instruction budget was used up. */
        BUDGET,
        /** Someone called {@link CpuBackend#requestStop()}. */
        STOP_REQUESTED,
        /** A trap handler asked to stop. */
        TRAP_STOP,
        /** The engine returned by itself: after a WFI, or a handled WFE/YIELD. */
        HALTED,
        /** An undefined or unexecutable instruction; the PC points at it. */
        INVALID_INSTRUCTION,
        /** An access to unmapped memory (see {@link CpuEventHandler#onUnmappedAccess}). */
        UNMAPPED_ACCESS,
        /** A write to, or fetch from, memory without the permission. */
        PROTECTION_FAULT,
        /** Any other engine error. */
        ENGINE_ERROR,
        /** A callback threw; see {@link RunExit#error()}. */
        CALLBACK_ERROR
    }
}
