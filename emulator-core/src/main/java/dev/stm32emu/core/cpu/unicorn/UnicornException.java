package dev.stm32emu.core.cpu.unicorn;

/** The unicorn engine is missing or refused a request. */
public final class UnicornException extends RuntimeException {
    UnicornException(String message) {
        super(message);
    }

    UnicornException(String message, Throwable cause) {
        super(message, cause);
    }
}
