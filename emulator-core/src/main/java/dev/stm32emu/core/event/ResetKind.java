package dev.stm32emu.core.event;

/** Why the chip was reset; decides what survives and which RCC_CSR flag is set. */
public enum ResetKind {
    /** Power-on: everything starts from scratch, SRAM and the backup domain included. */
    POWER_ON,
    /** The NRST pin. */
    PIN,
    /** AIRCR.SYSRESETREQ from the firmware. */
    SOFTWARE,
    /** The independent watchdog expired. */
    INDEPENDENT_WATCHDOG,
    /** The window watchdog expired or was written out of its window. */
    WINDOW_WATCHDOG,
    /** Entering Standby or Stop with the option bits asking for a reset. */
    LOW_POWER;

    /** True for every reset except power-on: SRAM, backup domain and reset flags survive. */
    public boolean isSystemReset() {
        return this != POWER_ON;
    }
}
