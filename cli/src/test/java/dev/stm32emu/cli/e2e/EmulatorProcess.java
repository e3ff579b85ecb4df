package dev.stm32emu.cli.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code stm32emu run --usbip} as a separate process from the shaded jar, so that a test can
 * kill it for real (SIGKILL, no shutdown hooks). It always serves on port 0; the port comes
 * from the line the command prints on stderr. stdout (the board's USART1) and stderr (the
 * emulator's own lines, traces) are kept in memory and written line by line to
 * {@code emulator-stdout.txt} and {@code emulator-stderr.txt} in the artefact directory.
 */
final class EmulatorProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving USB/IP on 127\\.0\\.0\\.1:(\\d+) ");

    private final Process process;
    private final Output stdout;
    private final Output stderr;
    private final List<String> command;

    private EmulatorProcess(Process process, Output stdout, Output stderr, List<String> command) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.command = command;
    }

    /**
     * Starts {@code java -jar stm32emu.jar run --board BOARD --firmware <bootloader> --usbip
     * 127.0.0.1:0 --usbip-log <artefacts>/urbs.jsonl} plus {@code extraArgs}.
     */
    static EmulatorProcess start(Path artefacts, String board, List<String> extraArgs) throws IOException {
        Path jar = E2e.jar();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString(), "run", "--board", board,
                "--firmware", E2e.firmware("f103/dfu-bootloader-" + board + ".elf").toString(),
                "--usbip", "127.0.0.1:0", "--usbip-log", artefacts.resolve("urbs.jsonl").toString()));
        cmd.addAll(extraArgs);
        Files.writeString(artefacts.resolve("emulator-command.txt"), String.join(" ", cmd) + "\n");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new EmulatorProcess(p, new Output(p.getInputStream(), artefacts.resolve("emulator-stdout.txt")),
                new Output(p.getErrorStream(), artefacts.resolve("emulator-stderr.txt")), List.copyOf(cmd));
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The USB/IP port it listens on, once it has said so. */
    int port(Duration timeout) {
        Matcher m = SERVING.matcher(awaitStderr(l -> SERVING.matcher(l).find(), timeout, "the 'serving USB/IP' line"));
        if (!m.find()) {
            throw new IllegalStateException("unreachable");
        }
        return Integer.parseInt(m.group(1));
    }

    /** Waits for a stderr line matching {@code p}; fails with the output if the process ends first. */
    String awaitStderr(Predicate<String> p, Duration timeout, String what) {
        return await(stderr, p, timeout, what);
    }

    String awaitStdout(Predicate<String> p, Duration timeout, String what) {
        return await(stdout, p, timeout, what);
    }

    List<String> stdoutLines() {
        return stdout.lines();
    }

    List<String> stderrLines() {
        return stderr.lines();
    }

    /** kill -9: the JVM gets no chance to close sockets or files itself. Waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("emulator " + pid() + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stdout.join();
        stderr.join();
    }

    Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private String await(Output out, Predicate<String> p, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = 0;
        while (true) {
            List<String> lines = out.lines();
            for (int i = from; i < lines.size(); i++) {
                if (p.test(lines.get(i))) {
                    return lines.get(i);
                }
            }
            from = lines.size();
            if (!process.isAlive() && out.finished()) {
                throw new AssertionError("the emulator exited (code " + process.exitValue() + ") before " + what
                        + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " from the emulator within " + timeout.toSeconds() + " s"
                        + describe());
            }
            out.awaitMore(from, Duration.ofMillis(50));
        }
    }

    private String describe() {
        return "\ncommand: " + String.join(" ", command) + "\n--- stdout\n" + String.join("\n", stdout.lines())
                + "\n--- stderr\n" + String.join("\n", stderr.lines());
    }

    /** One output stream: a reader thread, the lines so far, and their copy in a file. */
    private static final class Output {
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;
        private boolean finished;

        Output(InputStream in, Path file) throws IOException {
            PrintWriter copy = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), true);
            reader = Thread.ofPlatform().daemon().name("emulator-output-" + file.getFileName()).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                     copy) {
                    for (String line; (line = r.readLine()) != null; ) {
                        String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                        copy.println(l);
                        synchronized (this) {
                            lines.add(l);
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    synchronized (this) {
                        finished = true;
                        notifyAll();
                    }
                }
            });
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        synchronized boolean finished() {
            return finished;
        }

        synchronized void awaitMore(int known, Duration max) {
            if (lines.size() > known || finished) {
                return;
            }
            try {
                wait(Math.max(1, max.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void join() {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
