package dev.stm32emu.core;

import dev.stm32emu.core.event.ResetKind;

/** Something with state that a reset puts back to its reset values. */
public interface Resettable {
    /** Resets according to the kind (e.g. backup-domain state survives system resets). */
    void reset(ResetKind kind);
}
