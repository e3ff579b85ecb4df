package dev.stm32emu.cli.guest;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code stm32emu linux-client [--usbip HOST:PORT] [--busid 1-1] [--file F ...] [--timeout D] -- CMD ARGS...}
 *
 * <p>Boots the Linux guest, attaches the exported device through the kernel's USB/IP client,
 * runs CMD in a directory holding the --file files, copies back what CMD wrote there, and exits
 * with CMD's exit code. Boot or attach failures exit with 1, bad options with 2, a timeout while
 * CMD runs with 124.
 */
@Command(name = "linux-client", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run CMD in a throwaway Linux guest (QEMU, Debian's kernel) that has the emulated USB device "
                    + "attached through the real USB/IP client (vhci-hcd + usbip attach), e.g. stock dfu-util.",
            "CMD runs in a directory holding the --file files; files it creates or changes there are copied "
                    + "back. Its output (stdout and stderr together) is printed; the exit code is CMD's."},
        footer = {"", "Example:",
            "  stm32emu linux-client --file app.bin -- dfu-util -a 0 -s 0x08008000:leave -D app.bin",
            "", "Environment: STM32EMU_GUEST_ACCEL=auto|tcg|kvm, STM32EMU_GUEST_MACHINE=auto|microvm|pc, "
                    + "STM32EMU_CACHE (image cache), STM32EMU_GUEST_KEEP=1."})
public final class LinuxClientCommand implements Callable<Integer> {

    static final int EXIT_FAILED = 1;
    static final int EXIT_TIMEOUT = 124;
    private static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9._-]+):(\\d{1,5})");

    @Spec
    CommandSpec spec;

    @Option(names = "--usbip", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:3240",
            description = "The emulator's USB/IP server, as seen from this host (default: ${DEFAULT-VALUE}).")
    String usbip;

    @Option(names = "--busid", paramLabel = "BUSID", defaultValue = "1-1",
            description = "Bus id of the exported device to attach (default: ${DEFAULT-VALUE}).")
    String busid;

    @Option(names = "--no-attach", description = "Do not attach a device (CMD may run usbip itself; "
            + "the server is at $USBIP_HOST).")
    boolean noAttach;

    @Option(names = "--file", paramLabel = "FILE", description = "A file to put next to CMD (repeatable).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "Limit for the whole guest session, e.g. 90s, 5m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--into", paramLabel = "DIR", defaultValue = ".",
            description = "Where the files CMD wrote are copied (default: the current directory).")
    Path into;

    @Option(names = "--force", description = "Overwrite existing files when copying back.")
    boolean force;

    @Option(names = "--accel", paramLabel = "auto|tcg|kvm", defaultValue = "auto",
            description = "How QEMU runs the guest: KVM only when it really works (kvm_intel/kvm_amd, "
                    + "never kvm_pvm), else TCG (default: ${DEFAULT-VALUE}; env STM32EMU_GUEST_ACCEL).")
    String accel;

    @Option(names = {"-v", "--verbose"}, description = "Show the guest console on stderr.")
    boolean verbose;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Matcher hp = HOST_PORT.matcher(usbip);
        if (!hp.matches() || Integer.parseInt(hp.group(2)) < 1 || Integer.parseInt(hp.group(2)) > 65535) {
            throw new ParameterException(spec.commandLine(), "--usbip: expected HOST:PORT, got '" + usbip + "'");
        }
        if (!busid.matches("[A-Za-z0-9._:-]{1,31}")) {
            throw new ParameterException(spec.commandLine(), "--busid: not a USB/IP bus id: '" + busid + "'");
        }
        if (!Files.isDirectory(into)) {
            throw new ParameterException(spec.commandLine(), "--into: not a directory: " + into);
        }
        GuestRun.Builder run = GuestRun.builder().usbipTarget(hp.group(1), Integer.parseInt(hp.group(2)))
                .timeout(timeout).collectNewFiles(true);
        switch (accel.toLowerCase(Locale.ROOT)) {
            case "auto" -> { }
            case "tcg" -> run.accelerator(Accelerator.TCG);
            case "kvm" -> run.accelerator(Accelerator.KVM);
            default -> throw new ParameterException(spec.commandLine(), "--accel: expected auto, tcg or kvm, got '"
                    + accel + "'");
        }
        Set<String> names = new HashSet<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new ParameterException(spec.commandLine(), "--file: cannot read " + f);
            }
            if (!names.add(f.getFileName().toString())) {
                throw new ParameterException(spec.commandLine(), "--file: two files named " + f.getFileName());
            }
            run.inputFile(f);
        }
        if (!noAttach) {
            String unreachable = probe(hp.group(1), Integer.parseInt(hp.group(2)));
            if (unreachable != null) {
                err.println("error: cannot reach the USB/IP server at " + usbip + " (" + unreachable
                        + "); is the emulator running?");
                return EXIT_FAILED;
            }
            run.attach(busid);
        }
        int cmdIndex = noAttach ? 1 : 2;
        run.command(String.join(" ", command.stream().map(GuestJob::shellQuote).toList()));
        run.listener(new Progress(out, err, cmdIndex));

        GuestResult result;
        try {
            result = run.run();
        } catch (GuestException e) {
            err.println("error: " + e.getMessage());
            return EXIT_FAILED;
        }
        return finish(result, cmdIndex, err);
    }

    /**
     * Connects once to the server before booting, so that a server that is not there fails in
     * milliseconds with a clear message rather than after a boot with usbip's confusing one.
     * Returns null when reachable, else the reason.
     */
    private static String probe(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return null;
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private int finish(GuestResult result, int cmdIndex, PrintWriter err) {
        boolean cmdStarted = result.commands().stream().anyMatch(c -> c.index() == cmdIndex);
        if (result.outcome() == GuestResult.Outcome.TIMED_OUT) {
            err.println("error: " + result.failure());
            return cmdStarted ? EXIT_TIMEOUT : EXIT_FAILED;
        }
        if (!result.completed()) {
            err.println("error: " + result.failure());
            return EXIT_FAILED;
        }
        if (!cmdStarted) {
            String why = result.commands().isEmpty() ? "no output"
                    : result.command(1).output().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("exit code "
                            + result.command(1).exitCode());
            err.println("error: could not attach " + busid + " from " + usbip + ": " + why);
            return EXIT_FAILED;
        }
        int rc = result.command(cmdIndex).exitCode();
        boolean copied = copyBack(result.files(), err);
        return !copied && rc == 0 ? EXIT_FAILED : rc;
    }

    /** Copies the files back into {@link #into}; false if some were refused. */
    private boolean copyBack(Map<String, byte[]> back, PrintWriter err) {
        Path base = into.toAbsolutePath().normalize();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : new TreeMap<>(back).entrySet()) {
            Path target = base.resolve(e.getKey()).normalize();
            if (!target.startsWith(base) || target.equals(base)) {
                refused.add(e.getKey() + " (outside " + into + ")");
                continue;
            }
            if (Files.exists(target) && !force) {
                refused.add(e.getKey());
                continue;
            }
            try {
                Files.createDirectories(target.getParent());
                Files.write(target, e.getValue());
                err.println("copied back " + e.getKey() + " (" + e.getValue().length + " bytes)");
            } catch (IOException ex) {
                refused.add(e.getKey() + " (" + ex.getMessage() + ")");
            }
        }
        if (!refused.isEmpty()) {
            err.println("error: not copied back, would overwrite: " + String.join(", ", refused) + " (use --force)");
        }
        err.flush();
        return refused.isEmpty();
    }

    /** Prints progress on stderr and CMD's output on stdout as it arrives. */
    private final class Progress implements GuestListener {
        private final PrintWriter out;
        private final PrintWriter err;
        private final int cmdIndex;

        Progress(PrintWriter out, PrintWriter err, int cmdIndex) {
            this.out = out;
            this.err = err;
            this.cmdIndex = cmdIndex;
        }

        @Override
        public void progress(String message) {
            boolean quietLine = message.startsWith("build-image: ") && !message.contains("building image")
                    && !message.contains("install") && !message.contains("missing") && !message.contains("error");
            if (verbose || !quietLine) {
                err.println(message);
                err.flush();
            }
        }

        @Override
        public void consoleLine(ConsoleLine line) {
            if (verbose) {
                err.println(line.formatted());
                err.flush();
            }
        }

        @Override
        public void ready(Duration sinceStart) {
            err.printf(Locale.ROOT, "guest ready after %.1f s%n", sinceStart.toMillis() / 1000.0);
            err.flush();
        }

        @Override
        public void attached(Attachment a) {
            err.println("attached " + a.busid() + " as port " + a.port() + " (" + a.vendorId() + ":" + a.productId() + ")");
            err.flush();
        }

        @Override
        public void commandOutput(int index, String line) {
            if (index == cmdIndex) {
                out.println(line);
                out.flush();
            }
        }
    }

    /** "90s", "500ms", "5m", "1h", a plain number of seconds, or ISO-8601 ("PT2M"). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value.trim().toLowerCase(Locale.ROOT));
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                d = switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
            } else {
                try {
                    d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    throw new TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 5m, PT2M)");
                }
            }
            if (d.isNegative() || d.isZero()) {
                throw new TypeConversionException("'" + value + "' is not a positive duration");
            }
            return d;
        }
    }
}
