package dev.stm32emu.cli;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log output on stderr ("stm32emu: guest error: usart1: ..."), with QEMU's `-d`
 * split: guest errors (the firmware did something undefined) are shown by default,
 * "unimplemented" notes (the model lacks a feature) on request.
 */
final class LogSetup {
    /** JUL holds loggers weakly: keep the configured one alive or its level is lost. */
    private static final Logger DEVICES = Logger.getLogger("stm32emu");

    private LogSetup() {
    }

    /**
     * @param categories comma-separated: guest, unimp, all, none
     */
    static void configure(String categories) {
        boolean guest = false;
        boolean unimp = false;
        for (String c : categories.toLowerCase(Locale.ROOT).split(",")) {
            switch (c.trim()) {
                case "guest" -> guest = true;
                case "unimp" -> unimp = true;
                case "all" -> {
                    guest = true;
                    unimp = true;
                }
                case "none", "" -> {
                }
                default -> throw new UserError("--log: unknown category '" + c + "' (guest, unimp, all, none)");
            }
        }
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler h = new ConsoleHandler();
        h.setLevel(Level.ALL);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                return "stm32emu: " + formatMessage(r) + System.lineSeparator();
            }
        });
        root.addHandler(h);
        root.setLevel(Level.WARNING);
        // Device logs: guest errors are WARNING, unimplemented notes INFO (DeviceLog).
        DEVICES.setLevel(unimp ? Level.INFO : (guest ? Level.WARNING : Level.OFF));
        DEVICES.setFilter(unimp && !guest ? rec -> rec.getLevel().intValue() < Level.WARNING.intValue() : null);
    }
}
