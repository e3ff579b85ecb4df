package dev.stm32emu.cli.guest;

/** The Linux guest could not be built, booted or driven; the message is one line for the user. */
public class GuestException extends Exception {

    public GuestException(String message) {
        super(message);
    }

    public GuestException(String message, Throwable cause) {
        super(message, cause);
    }
}
