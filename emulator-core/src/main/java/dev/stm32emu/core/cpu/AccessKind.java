package dev.stm32emu.core.cpu;

/** What kind of memory access went wrong. */
public enum AccessKind {
    READ, WRITE, FETCH
}
