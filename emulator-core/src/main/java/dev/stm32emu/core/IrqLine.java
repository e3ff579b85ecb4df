package dev.stm32emu.core;

/** An interrupt request line into the NVIC (or any level-sensitive input). */
@FunctionalInterface
public interface IrqLine {
    /** A line connected to nothing. */
    IrqLine NONE = level -> {
    };

    /** Drives the line; implementations ignore a level that does not change. */
    void set(boolean level);
}
