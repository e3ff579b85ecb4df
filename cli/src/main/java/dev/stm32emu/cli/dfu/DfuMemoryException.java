package dev.stm32emu.cli.dfu;

/** A {@link DfuMemory} operation failed; the device will report {@link DfuMemoryError#status()}. */
public class DfuMemoryException extends Exception {

    private final DfuMemoryError error;

    public DfuMemoryException(DfuMemoryError error, String message) {
        super(message);
        this.error = error;
    }

    public DfuMemoryError error() {
        return error;
    }
}
