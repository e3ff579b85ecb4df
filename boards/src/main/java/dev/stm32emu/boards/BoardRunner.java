package dev.stm32emu.boards;

import dev.stm32emu.core.MachineStop;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a board's machine on its own thread, for callers that drive it from outside (the
 * in-process DFU host, the USB/IP bridge, tests). Everything that touches the machine goes
 * through {@link #call}, which runs on the machine thread between CPU slices.
 */
public final class BoardRunner implements AutoCloseable {
    private final Board board;
    private final CompletableFuture<MachineStop> stopped = new CompletableFuture<>();
    private Thread thread;

    public BoardRunner(Board board) {
        this.board = board;
    }

    /** Powers the board on and starts running it (no time limit). */
    public BoardRunner start() {
        return start(0);
    }

    /** Powers the board on and runs it until it stops or {@code limitPs} of virtual time passed. */
    public BoardRunner start(long limitPs) {
        thread = new Thread(() -> {
            try {
                board.powerOn();
                stopped.complete(board.run(limitPs));
            } catch (Throwable t) {
                stopped.completeExceptionally(t);
            }
        }, "stm32emu-machine");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public Board board() {
        return board;
    }

    /** Runs {@code action} on the machine thread. */
    public <T> CompletableFuture<T> call(Callable<T> action) {
        return board.machine().submit(action);
    }

    /** Runs an action that itself returns a future on the machine thread, and flattens the result. */
    public <T> CompletableFuture<T> compose(Callable<CompletableFuture<T>> action) {
        return call(action).thenCompose(f -> f);
    }

    /** Completes when the machine stops (firmware exit, lockup, timeout, close). */
    public CompletableFuture<MachineStop> stopped() {
        return stopped;
    }

    /** Stops the machine and waits for its thread (the board stays open; close it yourself). */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        if (!stopped.isDone()) {
            board.machine().requestStop("closed");
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
