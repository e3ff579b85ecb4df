package dev.stm32emu.core.usb;

/** Enumeration stopped at a step; {@link #result()} is the failed transfer's, when there was one. */
public final class UsbEnumerationException extends RuntimeException {
    private final transient TransferResult result;

    public UsbEnumerationException(String step, TransferResult result) {
        super(step + " failed: " + result);
        this.result = result;
    }

    public UsbEnumerationException(String step, RuntimeException cause) {
        super(step + " failed: " + cause.getMessage(), cause);
        this.result = null;
    }

    /** The failed transfer's result, or null when its answer could not be parsed. */
    public TransferResult result() {
        return result;
    }
}
