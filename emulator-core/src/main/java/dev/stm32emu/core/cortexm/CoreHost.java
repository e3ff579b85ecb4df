package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.MachineStop;

/** What the core needs from the machine that hosts it. */
public interface CoreHost {
    /** Stops the machine after the current run returns. */
    void stop(MachineStop stop);

    /** A system reset (AIRCR.SYSRESETREQ) is wanted; the machine performs it between slices. */
    void requestSystemReset();

    /** Current virtual time. */
    long nowPs();
}
