package dev.stm32emu.cli.e2e;

import dev.stm32emu.cli.guest.CommandResult;
import dev.stm32emu.cli.guest.GuestResult;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on guest results that several tests share. */
final class GuestChecks {
    /** What a guest kernel in trouble prints. */
    private static final List<String> KERNEL_TROUBLE = List.of("Oops", "BUG:", "WARNING:", "Call Trace",
            "hung_task", "blocked for more than", "general protection fault", "Kernel panic");

    private GuestChecks() {
    }

    static CommandResult succeeded(GuestResult r, int index) {
        CommandResult c = r.command(index);
        assertEquals(0, c.exitCode(), () -> "exit code of '" + c.command() + "'\n" + c.output());
        return c;
    }

    /** The command ran to its end (not killed by the command timeout) and failed. */
    static CommandResult failed(GuestResult r, int index) {
        CommandResult c = r.command(index);
        assertTrue(c.finished(), () -> "'" + c.command() + "' did not finish\n" + c.output());
        assertTrue(c.exitCode() != 0 && c.exitCode() != 137, () -> "'" + c.command() + "' should fail by itself, "
                + "exit code " + c.exitCode() + "\n" + c.output());
        return c;
    }

    static void contains(CommandResult c, String text) {
        assertTrue(c.output().contains(text), () -> "'" + c.command() + "' output lacks \"" + text + "\":\n"
                + c.output());
    }

    static void matches(CommandResult c, String regex) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(c.output()).find(),
                () -> "'" + c.command() + "' output does not match /" + regex + "/:\n" + c.output());
    }

    static void kernelHealthy(GuestResult r) {
        for (String t : KERNEL_TROUBLE) {
            assertTrue(!r.kernelLog().contains(t), () -> "guest kernel log has \"" + t + "\":\n" + r.kernelLog());
        }
    }

    /** The guest booted once: no hung boot was retried (a retry is legal, but counts as a boot). */
    static int boots(GuestResult r) {
        return 1 + (int) r.console().lines().filter(l -> l.contains("before /init was ready; booting again")).count();
    }
}
