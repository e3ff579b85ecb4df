package dev.stm32emu.cli.guest;

import java.util.Locale;

/**
 * One line from the guest's serial console (or QEMU's own stderr).
 *
 * @param hostSeconds seconds since QEMU was started, measured on the host
 * @param text        the line without its line terminator (CR LF from the tty is stripped)
 * @param fromQemu    true for QEMU's stderr rather than the guest console
 */
public record ConsoleLine(double hostSeconds, String text, boolean fromQemu) {

    /** "[  2.345] text", or "[  2.345] qemu: text" for QEMU's stderr. */
    public String formatted() {
        return String.format(Locale.ROOT, "[%7.3f] %s%s", hostSeconds, fromQemu ? "qemu: " : "", text);
    }

    @Override
    public String toString() {
        return formatted();
    }
}
