package dev.stm32emu.core.reg;

/**
 * Implemented by a peripheral's register enum, whose constants use the manual's short
 * names: {@code enum Reg implements RegisterOffset { SR(0x00), DR(0x04) ... }}.
 */
public interface RegisterOffset {
    /** Byte offset from the peripheral base. */
    int offset();

    /** The manual's name (the enum constant's name). */
    String name();
}
