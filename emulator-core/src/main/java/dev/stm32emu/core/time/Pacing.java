package dev.stm32emu.core.time;

/**
 * How virtual time relates to the wall clock. Virtual time itself is always the same for the
 * same firmware and inputs; pacing only decides when the host waits.
 */
public enum Pacing {
    /** Run as fast as the host can; a sleeping core jumps straight to its next timer event. */
    FREE,
    /**
     * Never let virtual time run ahead of the wall clock: a board on a desk. A host slower than
     * the chip falls behind and does not catch up by skipping work.
     */
    REAL_TIME,
    /**
     * Run free while the core executes, but let a sleeping core (WFI/WFE) wait out its sleep in
     * wall-clock time, as QEMU's {@code -icount sleep=on} does. For a device that mostly waits
     * on a host (a bootloader serving USB), virtual durations then mean what a user expects and
     * the idle machine does not spin a host CPU, while busy stretches still run at full speed.
     */
    IDLE_REAL_TIME
}
