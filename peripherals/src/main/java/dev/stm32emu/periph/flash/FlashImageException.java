package dev.stm32emu.periph.flash;

import java.nio.file.Path;

/**
 * A flash image file cannot be used: it has the wrong size, cannot be opened, or another
 * process uses it. The message is one line naming the file, meant for the user as is.
 */
public final class FlashImageException extends Exception {
    private final Path file;

    public FlashImageException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** A file whose size is not the chip's flash size. */
    static FlashImageException wrongSize(Path file, long actual, long expected) {
        return new FlashImageException(file, String.format("flash image %s is %d bytes, but this chip's flash is %d bytes "
                + "(use an image of that size, or a new file name to start from an erased flash)", file, actual, expected));
    }

    /** The image file. */
    public Path file() {
        return file;
    }
}
