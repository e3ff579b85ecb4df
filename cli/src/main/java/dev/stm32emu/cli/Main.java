package dev.stm32emu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The `stm32emu` command. */
@Command(name = "stm32emu", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Full-system STM32 emulator: runs real STM32F1 firmware and exports its USB device over USB/IP.",
        subcommands = {RunCommand.class, FlashCommand.class, BoardsCommand.class, DemoCommand.class,
                dev.stm32emu.cli.guest.LinuxClientCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: the firmware's semihosting exit code for `run`; 1 the operation failed (e.g. a "
                + "flash that did not verify); 2 bad input; 124 timeout "
                + "(virtual time); 125 lockup, unhandled breakpoint or emulator error."})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    /** The configured picocli command line (error handling shared by every subcommand). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(ex.getCommandLine().getCommandName().equals("stm32emu") ? "stm32emu: " + ex.getMessage()
                    : "stm32emu " + ex.getCommandLine().getCommandName() + ": " + ex.getMessage());
            err.println("Try 'stm32emu " + (ex.getCommandLine().getCommandName().equals("stm32emu") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help' for more information.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof UserError) {
                err.println("stm32emu: " + ex.getMessage());
                return 2;
            }
            err.println("stm32emu: internal error: " + ex);
            if (System.getenv("STM32EMU_DEBUG") != null) {
                ex.printStackTrace(err);
            } else {
                err.println("(set STM32EMU_DEBUG=1 to see the stack trace; please report it)");
            }
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"stm32emu " + (v == null ? "development build" : v)};
        }
    }
}
