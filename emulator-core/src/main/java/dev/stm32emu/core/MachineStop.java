package dev.stm32emu.core;

import dev.stm32emu.core.time.Ticks;

/**
 * Why a machine stopped running.
 *
 * @param kind     what kind of stop
 * @param exitCode the firmware's exit code for {@link Kind#EXITED}, otherwise the code the
 *                 CLI reports (124 timeout, 125 abnormal stop)
 * @param pc       where the core was
 * @param timePs   virtual time of the stop
 * @param message  a one-line explanation for users
 */
public record MachineStop(Kind kind, int exitCode, int pc, long timePs, String message) {

    /** Kinds of stop. */
    public enum Kind {
        /** The firmware exited through semihosting. */
        EXITED,
        /** The virtual-time limit expired. */
        TIMEOUT,
        /** The core locked up (a fault it could not escalate). */
        LOCKUP,
        /** A BKPT other than the semihosting one, with no debugger attached. */
        BREAKPOINT,
        /** Something went wrong in the emulator itself. */
        ERROR,
        /** Someone asked the machine to stop (Ctrl-C, a test, a command). */
        REQUESTED
    }

    /** Exit code used for timeouts, as timeout(1) does. */
    public static final int TIMEOUT_EXIT_CODE = 124;
    /** Exit code used for lockups, breakpoints and emulator errors. */
    public static final int ABNORMAL_EXIT_CODE = 125;

    public static MachineStop exited(int code, int pc, long timePs) {
        return new MachineStop(Kind.EXITED, code, pc, timePs, "firmware exited with code " + code);
    }

    public static MachineStop timeout(int pc, long timePs) {
        return new MachineStop(Kind.TIMEOUT, TIMEOUT_EXIT_CODE, pc, timePs,
                String.format("timeout after %ss of virtual time; PC was 0x%08x", Ticks.formatSeconds(timePs), pc));
    }

    public static MachineStop abnormal(Kind kind, int pc, long timePs, String message) {
        return new MachineStop(kind, ABNORMAL_EXIT_CODE, pc, timePs, message);
    }

    public static MachineStop requested(int pc, long timePs, String why) {
        return new MachineStop(Kind.REQUESTED, 0, pc, timePs, why);
    }
}
