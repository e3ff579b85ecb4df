package dev.stm32emu.cli.guest;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running QEMU process. Its serial console (QEMU's stdout) and its stderr are read line by
 * line on two threads and handed to a sink with the host time since start. The process is always
 * killed by its own PID: on {@link #kill()}, {@link #close()}, and by a JVM shutdown hook that is
 * registered for as long as the process may run. The relay processes QEMU spawns for guestfwd are
 * not its descendants (libslirp double-forks them, so their parent is init); they carry a
 * per-session tag in their command line, and any still alive are killed by their PIDs too.
 */
public final class GuestVm implements AutoCloseable {

    private final Process process;
    private final long startNanos;
    private final Thread stdoutPump;
    private final Thread stderrPump;
    private final Thread shutdownHook;
    private final String relayTag;

    private GuestVm(Process process, long startNanos, String relayTag, Consumer<ConsoleLine> sink) {
        this.process = process;
        this.startNanos = startNanos;
        this.relayTag = relayTag;
        this.shutdownHook = new Thread(() -> {
            destroy();
            killRelays();
        }, "stm32emu-guest-kill-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        this.stdoutPump = pump(process.getInputStream(), false, sink);
        this.stderrPump = pump(process.getErrorStream(), true, sink);
    }

    /**
     * Starts {@code command} (a qemu-system-* command line) with stdin from /dev/null.
     *
     * @param relayTag a string unique to this session that appears in the command line of every
     *                 guestfwd relay process, or "" when there are none
     */
    public static GuestVm start(List<String> command, String relayTag, Consumer<ConsoleLine> sink) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long start = System.nanoTime();
        return new GuestVm(pb.start(), start, relayTag, sink);
    }

    public long pid() {
        return process.pid();
    }

    /** Seconds since the process was started. */
    public double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Waits until QEMU exits and both output streams are drained, at most {@code timeout}.
     * Returns false when the time ran out (QEMU is then still running).
     */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return false;
        }
        stdoutPump.join(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + 2000)));
        stderrPump.join(Duration.ofSeconds(2));
        return true;
    }

    /** QEMU's exit code, once it has exited. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills QEMU (and its relay children) and waits for it to be gone. Idempotent. */
    public void kill() {
        destroy();
        try {
            stdoutPump.join(Duration.ofSeconds(2));
            stderrPump.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
        killRelays();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook runs or has run
        }
    }

    /** Kills the relays of this session that outlived QEMU (normally they exit within 0.5 s). */
    private void killRelays() {
        if (relayTag.isEmpty()) {
            return;
        }
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(relayTag)).orElse(false))
                .filter(p -> p.pid() != process.pid())
                .forEach(ProcessHandle::destroyForcibly);
    }

    private void destroy() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread pump(InputStream in, boolean fromQemu, Consumer<ConsoleLine> sink) {
        return Thread.ofPlatform().daemon().name((fromQemu ? "qemu-stderr-" : "qemu-console-") + process.pid())
                .start(() -> {
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    byte[] buffer = new byte[8192];
                    try (in) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            for (int i = 0; i < n; i++) {
                                if (buffer[i] == '\n') {
                                    emit(line, fromQemu, sink);
                                } else {
                                    line.write(buffer[i]);
                                }
                            }
                        }
                    } catch (IOException e) {
                        // stream closed because the process was killed
                    }
                    if (line.size() > 0) {
                        emit(line, fromQemu, sink);
                    }
                });
    }

    private void emit(ByteArrayOutputStream line, boolean fromQemu, Consumer<ConsoleLine> sink) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\r') {
            end--;
        }
        try {
            sink.accept(new ConsoleLine(secondsSinceStart(), text.substring(0, end), fromQemu));
        } catch (RuntimeException e) {
            // a faulty sink must not stop draining the pipe (QEMU would block on a full pipe)
        }
    }
}
