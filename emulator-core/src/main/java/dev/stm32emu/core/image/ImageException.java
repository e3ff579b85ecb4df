package dev.stm32emu.core.image;

/** A firmware file that cannot be loaded; the message is a one-line user-facing error. */
public final class ImageException extends Exception {
    public ImageException(String message) {
        super(message);
    }
}
