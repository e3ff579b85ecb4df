package dev.stm32emu.cli.dfu;

/**
 * A DFU operation that did not complete. Subclasses say why: {@link DfuInputException} (the
 * caller's file, layout or options are unusable; the CLI exits 2), {@link DfuTransferException}
 * (a control transfer failed) and {@link DfuProtocolException} (the device answered, but not as
 * dfu-util 0.11 requires); the last two make the CLI exit 1.
 */
public class DfuException extends Exception {

    public DfuException(String message) {
        super(message);
    }

    public DfuException(String message, Throwable cause) {
        super(message, cause);
    }
}
