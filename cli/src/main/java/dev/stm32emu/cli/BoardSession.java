package dev.stm32emu.cli;

import dev.stm32emu.boards.Board;
import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.boards.BoardException;
import dev.stm32emu.boards.BoardFactory;
import dev.stm32emu.boards.BoardOptions;
import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.core.MachineStop;
import dev.stm32emu.core.image.FirmwareImage;
import dev.stm32emu.core.image.ImageException;
import dev.stm32emu.core.image.ImageLoader;
import dev.stm32emu.core.time.Ticks;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Builds a board for a command, loads firmware, runs it (on the calling thread, or on its
 * own for commands that drive it from outside) and turns the way it stopped into an exit
 * code. Ctrl-C stops the machine cleanly (the flash image
 * is flushed and closed) before the JVM exits.
 */
final class BoardSession implements AutoCloseable {
    private final Board board;
    private final PrintStream err;
    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread hook;
    private BoardRunner runner;

    BoardSession(BoardDefinition def, BoardOptions options, PrintStream err) {
        this.err = err;
        try {
            this.board = new BoardFactory().build(def, options);
        } catch (BoardException e) {
            throw new UserError(e.getMessage());
        }
    }

    Board board() {
        return board;
    }

    /**
     * Loads a firmware file (ELF, Intel HEX, or raw binary at {@code rawAddress}). With an
     * existing --flash-image the flash is used as it is and the file is only checked.
     */
    void load(Path firmware, long rawAddress) {
        try {
            FirmwareImage image = ImageLoader.load(firmware, rawAddress);
            if (board.flashFromExistingImage()) {
                err.println("stm32emu: using the flash image " + board.flashStorage().file().orElseThrow()
                        + " as it is (" + firmware + " is not written into it; delete the image to start over)");
                return;
            }
            board.loadFirmware(image);
        } catch (ImageException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** Prints what the user should know about the board's setup (TCP serial ports ...). */
    void printNotes() {
        for (String n : board.notes()) {
            err.println("stm32emu: " + n);
        }
    }

    /** Powers on and runs until the machine stops or {@code limitPs} of virtual time passed (0: no limit). */
    MachineStop run(long limitPs) {
        installStopHook();
        board.powerOn();
        return board.run(limitPs);
    }

    /**
     * Powers on and runs the machine on its own thread (commands that drive the board from
     * outside: flash, demo); Ctrl-C stops it as with {@link #run}. {@link #close} stops it.
     */
    BoardRunner runInBackground() {
        installStopHook();
        runner = new BoardRunner(board).start();
        return runner;
    }

    private void installStopHook() {
        hook = new Thread(() -> {
            board.machine().requestStop("interrupted (Ctrl-C or a termination signal)");
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "stm32emu-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Exit code for a stop, printing a line about it when it was not a firmware exit. */
    int exitCode(MachineStop stop) {
        switch (stop.kind()) {
            case EXITED -> {
                return stop.exitCode();
            }
            case TIMEOUT -> {
                err.println("stm32emu: " + stop.message());
                return MachineStop.TIMEOUT_EXIT_CODE;
            }
            case REQUESTED -> {
                err.println("stm32emu: stopped at t=" + Ticks.formatSeconds(stop.timePs()) + "s: " + stop.message());
                return 130;
            }
            default -> {
                err.println("stm32emu: " + stop.message());
                return MachineStop.ABNORMAL_EXIT_CODE;
            }
        }
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
        board.close();
        finished.countDown();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down: the hook is waiting on 'finished'
            }
        }
    }
}
