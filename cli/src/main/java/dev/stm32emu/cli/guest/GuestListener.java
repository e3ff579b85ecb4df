package dev.stm32emu.cli.guest;

import java.time.Duration;

/** Live events of a guest session; every method has an empty default. Called on reader threads. */
public interface GuestListener {

    /** A human-readable progress line ("booting Linux guest (TCG, microvm)..."). */
    default void progress(String message) {
    }

    /** Every console line, QEMU stderr included. */
    default void consoleLine(ConsoleLine line) {
    }

    /** /init reached the point where it runs commands. */
    default void ready(Duration sinceQemuStart) {
    }

    default void commandStarted(int index, String command) {
    }

    /** One line of a command's output, as it arrives. */
    default void commandOutput(int index, String line) {
    }

    default void commandFinished(CommandResult result) {
    }

    default void attached(Attachment attachment) {
    }
}
