package dev.stm32emu.boards;

/** A board or MCU definition that cannot be used; the message names the file and the field. */
public final class DefinitionException extends Exception {
    public DefinitionException(String message) {
        super(message);
    }
}
