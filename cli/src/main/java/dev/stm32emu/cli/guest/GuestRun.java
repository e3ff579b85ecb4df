package dev.stm32emu.cli.guest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One guest session: boot the cached image with a job (commands, input files), let /init run the
 * commands in /work, collect the files it sends back, and power off.
 *
 * <pre>{@code
 * GuestResult r = GuestRun.builder()
 *         .usbipTarget("127.0.0.1", port)      // the emulator's USB/IP server on the host
 *         .attach("1-1")                        // usbip attach + wait until configured
 *         .command("dfu-util -l")
 *         .inputFile(Path.of("app.bin"))
 *         .collectFile("back.bin")
 *         .timeout(Duration.ofMinutes(2))
 *         .consoleSink(System.err::println)
 *         .run();
 * }</pre>
 *
 * <p>Networking is slirp with {@code restrict=on}: the guest reaches nothing but
 * {@code guestHost:guestPort} (default 10.0.2.100:3240), which guestfwd relays through
 * {@code socat} to the USB/IP server on the host; one relay per guest connection (§3 of
 * facts-vm-e2e.md). Files come back as a newc cpio the guest writes to a raw virtio disk; each is
 * checked against the size and MD5 the guest printed on the console.
 */
public final class GuestRun {

    /** Set to 1 to keep each session's temporary directory (initrd, output disk) for debugging. */
    public static final String KEEP_ENV = "STM32EMU_GUEST_KEEP";

    private final Builder b;

    private GuestRun(Builder builder) {
        this.b = builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs the session. Throws only when it cannot start; guest-side failures are in the result. */
    public GuestResult run() throws GuestException {
        long t0 = System.nanoTime();
        GuestListener listener = withConsoleSinks(b.listener, List.copyOf(b.consoleSinks));
        Consumer<String> progress = listener::progress;
        HostTools.require(HostTools.GUEST_RUNNER, progress);
        GuestImage image = b.image != null ? b.image : GuestImage.ensure(progress);
        Accelerator accel = b.accelerator != null ? b.accelerator : Accelerator.detect();
        GuestMachine machine = b.machine != null ? b.machine : GuestMachine.detect(accel);

        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        GuestJob job = new GuestJob();
        List<String> texts = new ArrayList<>();
        Map<Integer, String> attachSteps = new LinkedHashMap<>();
        for (GuestJob.Command c : b.commands) {
            job.command(c);
            texts.add(c.text());
            if (b.attachSteps.containsKey(c)) {
                attachSteps.put(texts.size(), b.attachSteps.get(c));
            }
        }
        job.env("TOKEN", token).env("USBIP_HOST", b.guestHost).env("USBIP_PORT", Integer.toString(b.guestPort))
                .env("BUSID", b.attachSteps.isEmpty() ? "1-1" : b.attachSteps.values().iterator().next())
                .env("STOP_ON_FAILURE", b.stopOnFailure ? "1" : "0")
                .env("CMD_TIMEOUT", Long.toString(b.commandTimeout == null ? 0 : Math.max(1, b.commandTimeout.toSeconds())))
                .env("COLLECT_NEW", b.collectNew ? "1" : "0");
        b.env.forEach(job::env);
        b.inputs.forEach(job::input);
        b.collect.forEach(job::collect);

        Path dir = null;
        try {
            dir = Files.createTempDirectory("stm32emu-guest-");
            Path initrd = dir.resolve("initrd.img");
            job.writeInitrd(image.initrd(), initrd);
            Path outDisk = dir.resolve("out.disk");
            try (RandomAccessFile f = new RandomAccessFile(outDisk.toFile(), "rw")) {
                f.setLength((long) b.outputDiskMb << 20); // sparse
            }
            List<String> qemu = new QemuCommandLine(image, accel, machine, b.memoryMb, b.kernelArgs)
                    .relay(b.guestHost, b.guestPort, b.usbipHost, b.usbipPort, relayTag(token))
                    .build(initrd, outDisk);
            listener.progress("booting Linux guest (" + accel + ", " + machine + ")...");
            return boot(qemu, relayTag(token), () -> new GuestTranscript(token, texts, attachSteps, listener),
                    outDisk, listener, accel, machine, t0);
        } catch (IOException e) {
            throw new GuestException("cannot prepare the guest session: " + e.getMessage(), e);
        } finally {
            if ("1".equals(System.getenv(KEEP_ENV))) {
                listener.progress("kept guest session files in " + dir);
            } else {
                GuestImage.deleteQuietly(dir);
            }
        }
    }

    private static String relayTag(String token) {
        return "stm32emu-relay-" + token;
    }

    private static GuestListener withConsoleSinks(GuestListener l, List<Consumer<String>> sinks) {
        if (sinks.isEmpty()) {
            return l;
        }
        return new GuestListener() {
            @Override public void progress(String message) { l.progress(message); }
            @Override public void ready(Duration sinceStart) { l.ready(sinceStart); }
            @Override public void commandStarted(int index, String command) { l.commandStarted(index, command); }
            @Override public void commandOutput(int index, String line) { l.commandOutput(index, line); }
            @Override public void commandFinished(CommandResult result) { l.commandFinished(result); }
            @Override public void attached(Attachment attachment) { l.attached(attachment); }
            @Override public void consoleLine(ConsoleLine line) {
                l.consoleLine(line);
                sinks.forEach(s -> s.accept(line.formatted()));
            }
        };
    }

    /** One QEMU run: whether it exited by itself, and whether it never became ready. */
    private record Attempt(boolean exited, boolean notReady, long pid, int exitCode) {
    }

    /**
     * Boots, and boots once more (bootRetries) if /init does not become ready within bootTimeout:
     * a rare TCG boot hang must not cost a whole session. Nothing reached the USB/IP server before
     * READY, so a second boot is safe. The failed attempt's console stays in the result.
     */
    private GuestResult boot(List<String> qemu, String relayTag, Supplier<GuestTranscript> transcripts, Path outDisk,
                             GuestListener listener, Accelerator accel, GuestMachine machine, long t0)
            throws GuestException, IOException {
        long deadline = t0 + b.timeout.toNanos();
        StringBuilder earlier = new StringBuilder();
        for (int attempt = 0; ; attempt++) {
            GuestTranscript transcript = transcripts.get();
            Attempt a = attempt(qemu, relayTag, transcript, deadline);
            boolean retry = a.notReady() && attempt < b.bootRetries && transcript.qemuErrors().isBlank()
                    && deadline - System.nanoTime() > b.bootTimeout.toNanos() / 2;
            if (retry) {
                String why = a.exited() ? "stopped (exit code " + a.exitCode() + ")" : "hung";
                listener.progress("the guest " + why + " before /init was ready; booting again");
                earlier.append(transcript.console()).append("--- the guest ").append(why)
                        .append(" before /init was ready; booting again ---\n");
                continue;
            }
            return result(a, transcript, earlier.toString(), outDisk, accel, machine, t0);
        }
    }

    private Attempt attempt(List<String> qemu, String relayTag, GuestTranscript transcript, long deadline)
            throws GuestException, IOException {
        try (GuestVm vm = GuestVm.start(qemu, relayTag, transcript)) {
            long bootDeadline = Math.min(deadline, System.nanoTime() + b.bootTimeout.toNanos());
            while (transcript.readyAt().isEmpty() && vm.isAlive() && System.nanoTime() < bootDeadline) {
                transcript.awaitReady(Duration.ofMillis(100));
            }
            if (transcript.readyAt().isEmpty() && vm.isAlive() && bootDeadline < deadline) {
                vm.kill();
                return new Attempt(false, true, vm.pid(), -1);
            }
            boolean exited = vm.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (!exited) {
                vm.kill();
            }
            return new Attempt(exited, transcript.readyAt().isEmpty(), vm.pid(), exited ? vm.exitCode().orElse(-1) : -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestException("interrupted while the guest was running", e);
        }
    }

    private GuestResult result(Attempt a, GuestTranscript transcript, String earlierConsoles, Path outDisk,
                               Accelerator accel, GuestMachine machine, long t0) {
        GuestResult.Outcome outcome = GuestResult.Outcome.COMPLETED;
        String failure = "";
        Map<String, byte[]> files = Map.of();
        if (!a.exited() && a.notReady() && System.nanoTime() < t0 + b.timeout.toNanos()) {
            outcome = GuestResult.Outcome.FAILED;
            failure = "the guest did not become ready within " + b.bootTimeout.toSeconds() + " s ("
                    + (b.bootRetries + 1) + " boots)";
        } else if (!a.exited()) {
            outcome = GuestResult.Outcome.TIMED_OUT;
            failure = "guest session timed out after " + b.timeout.toSeconds() + " s " + whereItStopped(transcript);
        } else if (!transcript.done()) {
            outcome = GuestResult.Outcome.FAILED;
            String qemuErrors = transcript.qemuErrors().strip();
            failure = !qemuErrors.isEmpty()
                    ? "QEMU failed (exit code " + a.exitCode() + "): " + qemuErrors.lines().findFirst().orElse("")
                    : "the guest stopped " + whereItStopped(transcript) + " (exit code " + a.exitCode() + ")";
        } else {
            try {
                files = transcript.receiveFiles(outDisk);
            } catch (IOException e) {
                outcome = GuestResult.Outcome.FAILED;
                failure = e.getMessage();
            }
        }
        return new GuestResult(outcome, failure, transcript.results(), files, earlierConsoles + transcript.console(),
                transcript.kernelLog(), a.pid(), a.exitCode(), transcript.readyAt(),
                Duration.ofNanos(System.nanoTime() - t0), transcript.attachment(), accel, machine);
    }

    private static String whereItStopped(GuestTranscript t) {
        List<CommandResult> r = t.results();
        if (t.readyAt().isEmpty()) {
            return "before /init was ready" + (t.problems().isEmpty() ? "" : " (" + String.join("; ", t.problems()) + ")");
        }
        if (!r.isEmpty() && !r.getLast().finished()) {
            return "while running command " + r.getLast().index() + " (" + r.getLast().command() + ")";
        }
        return "after " + r.size() + " command(s)";
    }

    /** Describes a session; {@link #run()} runs it. */
    public static final class Builder {
        private String usbipHost = "127.0.0.1";
        private int usbipPort = 3240;
        private String guestHost = "10.0.2.100";
        private int guestPort = 3240;
        private final List<GuestJob.Command> commands = new ArrayList<>();
        private final Map<GuestJob.Command, String> attachSteps = new LinkedHashMap<>();
        private final Map<String, byte[]> inputs = new LinkedHashMap<>();
        private final List<String> collect = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean collectNew;
        private boolean stopOnFailure;
        private Duration timeout = Duration.ofMinutes(2);
        private Duration commandTimeout;
        private Duration bootTimeout = Duration.ofSeconds(30);
        private int bootRetries = 1;
        private GuestListener listener = new GuestListener() { };
        private final List<Consumer<String>> consoleSinks = new ArrayList<>();
        private Accelerator accelerator;
        private GuestMachine machine;
        private GuestImage image;
        private int memoryMb = 256;
        private String kernelArgs = "";
        private int outputDiskMb = 512;

        private Builder() {
        }

        /** The USB/IP server as the host sees it (default 127.0.0.1:3240). */
        public Builder usbipTarget(String host, int port) {
            if (!host.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("usbip host must be a host name or IPv4 address: " + host);
            }
            checkPort(port);
            this.usbipHost = host;
            this.usbipPort = port;
            return this;
        }

        /** The address the guest uses for the server (default 10.0.2.100, inside slirp's 10.0.2.0/24). */
        public Builder guestHost(String ipv4) {
            if (!ipv4.matches("10\\.0\\.2\\.(\\d{1,3})") || ipv4.equals("10.0.2.15") || ipv4.equals("10.0.2.2")
                    || ipv4.equals("10.0.2.3")) {
                throw new IllegalArgumentException("guest host must be a free address in 10.0.2.0/24 "
                        + "(not .2, .3 or .15): " + ipv4);
            }
            this.guestHost = ipv4;
            return this;
        }

        /** The port the guest uses for the server (default 3240, what usbip uses unless told). */
        public Builder guestPort(int port) {
            checkPort(port);
            this.guestPort = port;
            return this;
        }

        /** Adds a shell command, run with sh in /work. $USBIP_HOST and $BUSID are set. */
        public Builder command(String shellText) {
            commands.add(new GuestJob.Command(Objects.requireNonNull(shellText), false));
            return this;
        }

        /** Adds a command after which the session stops if it fails. */
        public Builder requiredCommand(String shellText) {
            commands.add(new GuestJob.Command(Objects.requireNonNull(shellText), true));
            return this;
        }

        /**
         * Adds the standard attach step: {@code usbip attach -r $USBIP_HOST -b busid}, then wait
         * (at most 20 s) until the device is configured with its interfaces and device node, then
         * {@code usbip port}. The session stops if it fails. See {@link GuestResult#attachment()}.
         */
        public Builder attach(String busid) {
            if (!busid.matches("[A-Za-z0-9._:-]{1,31}")) {
                throw new IllegalArgumentException("not a USB/IP bus id: " + busid);
            }
            GuestJob.Command c = new GuestJob.Command("stm32emu-attach -r \"$USBIP_HOST\" -b " + busid + " -t 20", true);
            commands.add(c);
            attachSteps.put(c, busid);
            return this;
        }

        /** Stop at the first failing command (default: run them all). */
        public Builder stopOnFailure(boolean stop) {
            this.stopOnFailure = stop;
            return this;
        }

        /** Puts a host file into the guest's /work under its own name. */
        public Builder inputFile(Path file) {
            try {
                return inputFile(file.getFileName().toString(), Files.readAllBytes(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        /** Puts {@code content} into the guest's /work as {@code name}. */
        public Builder inputFile(String name, byte[] content) {
            inputs.put(GuestJob.checkName(name), content.clone());
            return this;
        }

        /** Sends /work/{@code name} back after the commands ran. */
        public Builder collectFile(String name) {
            collect.add(GuestJob.checkName(name));
            return this;
        }

        /** Sends back every file in /work (subdirectories included) that the commands created or changed. */
        public Builder collectNewFiles(boolean collect) {
            this.collectNew = collect;
            return this;
        }

        /** Overall limit for the session; QEMU is killed when it runs out (default 2 minutes). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * How long the guest may take to become ready for commands before it counts as hung and
         * is booted again, at most {@code retries} more times (default 30 s, 1 retry).
         */
        public Builder bootTimeout(Duration timeout, int retries) {
            this.bootTimeout = Objects.requireNonNull(timeout);
            this.bootRetries = Math.max(0, retries);
            return this;
        }

        /** Per-command limit inside the guest (SIGKILL, exit code 137); default none. */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = timeout;
            return this;
        }

        /** Receives every console line, formatted "[  s.mmm] text" (host seconds since QEMU start). */
        public Builder consoleSink(Consumer<String> sink) {
            consoleSinks.add(Objects.requireNonNull(sink));
            return this;
        }

        /** Receives live events (progress, ready, command output, attachment). */
        public Builder listener(GuestListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** An environment variable for the commands. */
        public Builder env(String name, String value) {
            if (name.equals("TOKEN")) {
                throw new IllegalArgumentException("TOKEN is reserved for the session's marker token");
            }
            env.put(name, value);
            return this;
        }

        /** Forces the accelerator (default: {@link Accelerator#detect()}). */
        public Builder accelerator(Accelerator accelerator) {
            this.accelerator = accelerator;
            return this;
        }

        /** Forces the machine type (default: {@link GuestMachine#detect(Accelerator)}). */
        public Builder machine(GuestMachine machine) {
            this.machine = machine;
            return this;
        }

        /** Uses this image instead of {@link GuestImage#ensure}. */
        public Builder image(GuestImage image) {
            this.image = image;
            return this;
        }

        /** Extra kernel command-line arguments (e.g. "loglevel=7" to see the boot on the console). */
        public Builder kernelArgs(String args) {
            this.kernelArgs = Objects.requireNonNull(args).strip();
            return this;
        }

        /** Guest RAM (default 256 MiB). */
        public Builder memoryMb(int mb) {
            this.memoryMb = mb;
            return this;
        }

        /** Size of the sparse disk the files come back on, which bounds their total (default 512 MiB). */
        public Builder outputDiskMb(int mb) {
            this.outputDiskMb = mb;
            return this;
        }

        public GuestRun build() {
            return new GuestRun(this);
        }

        public GuestResult run() throws GuestException {
            return build().run();
        }

        private static void checkPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("not a TCP port: " + port);
            }
        }
    }
}
