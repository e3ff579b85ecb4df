package dev.stm32emu.boards;

/** A board that cannot be built as asked (bad option value, unusable file); one-line message. */
public final class BoardException extends Exception {
    public BoardException(String message) {
        super(message);
    }

    public BoardException(String message, Throwable cause) {
        super(message, cause);
    }
}
