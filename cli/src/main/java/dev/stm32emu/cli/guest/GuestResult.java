package dev.stm32emu.cli.guest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a guest session produced.
 *
 * @param outcome      COMPLETED when /init ran every command (or stopped on a failing one) and
 *                     sent the files back; TIMED_OUT when the overall timeout killed QEMU; FAILED
 *                     when the guest died early or its files did not arrive intact
 * @param failure      why, when not COMPLETED ("" otherwise)
 * @param commands     the commands that ran, in order; an unfinished one has exit code -1
 * @param files        files sent back, by name relative to the guest's /work
 * @param console      the whole console log, each line prefixed "[  s.mmm] " with the host
 *                     time since QEMU started; QEMU's stderr lines are marked "qemu: "
 * @param kernelLog    kernel messages logged after the guest became ready
 * @param qemuPid      the QEMU process id (gone when this result exists)
 * @param qemuExitCode QEMU's exit code, -1 if it was killed
 * @param bootToReady  host time from starting QEMU until /init was ready for commands, if reached
 * @param elapsed      host time for the whole session, image check included
 * @param attachment   the device attached by the attach step, if any
 * @param accelerator  how QEMU ran the guest
 * @param machine      the QEMU machine type
 */
public record GuestResult(Outcome outcome, String failure, List<CommandResult> commands, Map<String, byte[]> files,
                          String console, String kernelLog, long qemuPid, int qemuExitCode,
                          Optional<Duration> bootToReady, Duration elapsed, Optional<Attachment> attachment,
                          Accelerator accelerator, GuestMachine machine) {

    public enum Outcome { COMPLETED, TIMED_OUT, FAILED }

    public GuestResult {
        commands = List.copyOf(commands);
        files = Map.copyOf(files);
    }

    public boolean completed() {
        return outcome == Outcome.COMPLETED;
    }

    /** The command at 1-based {@code index}. */
    public CommandResult command(int index) {
        return commands.stream().filter(c -> c.index() == index).findFirst().orElseThrow(() ->
                new IllegalArgumentException("command " + index + " did not run; " + commands.size() + " ran"));
    }

    /** True when the session completed and every command exited with 0. */
    public boolean allSucceeded() {
        return completed() && commands.stream().allMatch(CommandResult::succeeded);
    }

    /** Returns this result, or throws with the failure and the end of the console log. */
    public GuestResult requireCompleted() throws GuestException {
        if (!completed()) {
            throw new GuestException(failure + "\n--- last console lines ---\n" + consoleTail(30));
        }
        return this;
    }

    /** The last {@code lines} console lines. */
    public String consoleTail(int lines) {
        String[] all = console.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    @Override
    public String toString() {
        return "GuestResult[" + outcome + (failure.isEmpty() ? "" : " (" + failure + ")") + ", commands="
                + commands.stream().map(c -> c.index() + ":" + c.exitCode()).toList() + ", files=" + files.keySet()
                + ", ready=" + bootToReady.map(Duration::toMillis).map(ms -> ms + " ms").orElse("never") + "]";
    }
}
