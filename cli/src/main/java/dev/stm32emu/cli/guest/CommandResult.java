package dev.stm32emu.cli.guest;

/**
 * One command run in the guest.
 *
 * @param index      1-based position in the session (the attach step counts)
 * @param command    the shell text that ran
 * @param exitCode   its exit status, or -1 if it did not finish (timeout, guest died)
 * @param output     its stdout and stderr as they appeared on the console, lines joined with \n
 * @param durationMs guest-measured run time in milliseconds, or -1 if it did not finish
 */
public record CommandResult(int index, String command, int exitCode, String output, long durationMs) {

    public boolean finished() {
        return durationMs >= 0;
    }

    public boolean succeeded() {
        return finished() && exitCode == 0;
    }
}
