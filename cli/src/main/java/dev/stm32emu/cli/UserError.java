package dev.stm32emu.cli;

/** Bad input from the user: printed as one line, exit code 2, never a stack trace. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
