package dev.stm32emu.cli.flash;

import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.cli.dfu.DfuException;
import dev.stm32emu.cli.dfu.DfuHost;
import dev.stm32emu.cli.dfu.DfuHostOptions;
import dev.stm32emu.cli.dfu.DfuInputException;
import dev.stm32emu.cli.dfu.DfuInterface;
import dev.stm32emu.cli.dfu.DfuProbe.AltFilter;
import dev.stm32emu.cli.dfu.DfuProgressListener;
import dev.stm32emu.cli.dfu.DfuProtocolException;
import dev.stm32emu.cli.dfu.DfuResult;
import dev.stm32emu.cli.dfu.DfuState;
import dev.stm32emu.cli.dfu.DfuStatus;
import dev.stm32emu.cli.dfu.DfuStatusReport;
import dev.stm32emu.cli.dfu.DfuseOptions;
import dev.stm32emu.cli.dfu.MemoryLayout;
import dev.stm32emu.cli.dfu.UsbIpDfuTransport;
import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.usbip.client.UsbIpClient;
import dev.stm32emu.usbip.client.UsbIpException;
import dev.stm32emu.usbip.message.UsbDeviceInfo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One flash of an app into a board running a DfuSe bootloader, through USB/IP as a remote
 * host does it: wait until the bridge exports the device (polling the server's device list,
 * as a user re-running {@code usbip list} would), import it with the USB/IP client, run the
 * Java DfuSe host over that connection (download, read back when the device can upload),
 * then optionally set the BOOT pins as a user moves a jumper, send the leave request and
 * watch what the chip runs after its reset.
 *
 * <p>Failures end the run with an {@link FlashOutcome#exitCode()} and a one-line reason; the
 * outcome keeps what was learnt so far, for the report.
 */
public final class FlashSession {
    /** How long the bootloader may take to export its device (wall time). */
    private static final long EXPORT_WAIT_MILLIS = 30_000;
    /** A bootloader that has not connected its USB device after this much virtual time never will. */
    private static final long EXPORT_WAIT_VIRTUAL_PS = Ticks.parseDuration("5s");
    /** How long the bootloader may take to export again after the leave (wall time). */
    private static final long REEXPORT_WAIT_MILLIS = 5_000;
    /** How long the leave may take to reset the chip (wall time). */
    private static final long RESET_WAIT_MILLIS = 30_000;

    private final BoardRunner runner;
    private final String host;
    private final int port;
    private final String busid;
    private final PrintStream out;
    private final DfuProgressListener display;
    private final ConsoleLines console;

    /**
     * What to do.
     *
     * @param alt          the DFU alternate setting (dfu-util -a)
     * @param leave        send the DfuSe leave request after the download
     * @param leavePins    board-side pin levels to set before the leave (BOOT1 high to start the app)
     * @param expect       what should run after the leave; anything else fails the run
     * @param traceBlocks  how many distinct app blocks to record after the reset
     * @param traceLimitPs virtual time after the reset after which tracing stops
     * @param settlePs     virtual time after the reset to let run before reading the console
     */
    public record Options(int alt, boolean leave, Map<String, Boolean> leavePins, Expect expect, int traceBlocks,
                          long traceLimitPs, long settlePs) {
        public Options {
            leavePins = Map.copyOf(leavePins);
        }

        /** The defaults: 16 blocks, 1 s of tracing, 50 ms to settle. */
        public static Options of(int alt, boolean leave, Map<String, Boolean> leavePins, Expect expect) {
            return new Options(alt, leave, leavePins, expect, 16, Ticks.parseDuration("1s"),
                    Ticks.parseDuration("50ms"));
        }
    }

    /** What should run after the leave. */
    public enum Expect { APP, BOOTLOADER, EITHER }

    /**
     * @param console the board's console USART, or null when it is routed elsewhere
     */
    public FlashSession(BoardRunner runner, String host, int port, String busid, PrintStream out,
                        DfuProgressListener display, ConsoleLines console) {
        this.runner = runner;
        this.host = host;
        this.port = port;
        this.busid = busid;
        this.out = out;
        this.display = display;
        this.console = console;
    }

    /** Flashes {@code app}; never throws for device or DFU failures (see the outcome). */
    public FlashOutcome run(AppFile app, Options options) {
        FlashOutcome o = new FlashOutcome(app, options);
        long t0 = System.nanoTime();
        try (UsbIpClient client = new UsbIpClient(Duration.ofSeconds(10))) {
            o.device = awaitExport(client, EXPORT_WAIT_MILLIS, EXPORT_WAIT_VIRTUAL_PS);
            if (o.device == null) {
                throw new Failure("the bootloader did not connect a USB device within " + EXPORT_WAIT_VIRTUAL_PS
                        / Ticks.PS_PER_SECOND + " s of virtual time; with BOOT1 high and a valid app in flash it "
                        + "starts the app instead of DFU");
            }
            UsbIpDfuTransport transport;
            try {
                transport = UsbIpDfuTransport.open(client.importDevice(host, port, busid));
            } catch (UsbIpException e) {
                throw new Failure(e.getMessage());
            } catch (DfuException e) {
                throw new Failure(e.getMessage()); // enumeration over USB/IP failed
            }
            out.printf("client: imported %s from %s:%d over USB/IP, enumerated and configured it%n", busid, host, port);
            try (transport) {
                StatusTap tap = new StatusTap(transport);
                try {
                    flash(o, tap, transport, options);
                } catch (DfuInputException e) {
                    o.fail(2, e.getMessage());
                } catch (DfuException e) {
                    // while the connection is still open: what the device says now
                    o.fail(1, e.getMessage() + (e instanceof DfuProtocolException ? "" : deviceState(tap, o)));
                }
            }
        } catch (Failure e) {
            o.fail(1, e.getMessage());
        }
        o.totalWallNanos = System.nanoTime() - t0;
        return o;
    }

    private void flash(FlashOutcome o, StatusTap tap, UsbIpDfuTransport transport, Options options)
            throws DfuException, Failure {
        AppFile app = o.app;
        PhaseClock clock = new PhaseClock(display, this::virtualNowPs);
        DfuHostOptions hostOptions = DfuHostOptions.DFU_UTIL_0_11.withListener(clock);
        List<DfuInterface> found = new DfuHost(tap, hostOptions).list();
        DfuInterface alt = found.stream().filter(i -> i.alternateSetting() == options.alt() && i.dfuMode())
                .findFirst().orElseThrow(() -> new DfuInputException("the device has no DFU alternate setting "
                        + options.alt() + " (found: " + found.stream().map(i -> "alt " + i.alternateSetting()
                        + " \"" + i.name() + "\"").toList() + ")"));
        o.dfuInterface = alt;
        try {
            o.layout = MemoryLayout.parse(alt.name());
        } catch (DfuInputException e) {
            o.warnings.add("the alternate setting's name is not a DfuSe memory layout: " + e.getMessage());
        }
        o.verifyDecision = VerifyDecision.of(alt.functional());
        out.printf("dfu: alt %d \"%s\", wTransferSize %d, %s, %s%n", alt.alternateSetting(), alt.name(),
                alt.functional().transferSize(), alt.isDfuse() ? "DfuSe (bcdDFUVersion 0x011A)" : "DFU 1.1",
                alt.functional().canUpload() ? "can upload" : "cannot upload");

        DfuHost host = new DfuHost(tap, hostOptions.withVerify(o.verifyDecision.verify()));
        DfuResult r;
        try {
            r = host.download(AltFilter.number(options.alt()), app.dfuFile(),
                    app.carriesAddresses() ? null : DfuseOptions.at(app.address()));
        } finally {
            clock.stop();
            o.phases = clock.totals();
            o.finalStatus = tap.last();
        }
        o.downloaded = true;
        o.add(r.report());
        o.warnings.addAll(r.warnings());
        o.transferSize = r.transferSize();
        o.verified = o.verifyDecision.verify();
        if (options.leave()) {
            leave(o, tap, transport, options);
        }
    }

    private void leave(FlashOutcome o, StatusTap tap, UsbIpDfuTransport transport, Options options)
            throws DfuException, Failure {
        String boot1 = runner.board().definition().board().boot1Pin();
        for (Map.Entry<String, Boolean> p : options.leavePins().entrySet()) {
            if (p.getKey().equalsIgnoreCase(boot1)) {
                out.printf("board: BOOT1 (%s) %s, as a user moves the BOOT1 jumper: the bootloader %s after the "
                        + "leave-reset%n", p.getKey(), p.getValue() ? "driven high" : "kept low",
                        p.getValue() ? "starts the app" : "stays in DFU mode");
            } else {
                out.printf("board: %s driven %s (--leave-pin)%n", p.getKey(), p.getValue() ? "high" : "low");
            }
            await(runner.call(() -> {
                runner.board().pin(p.getKey()).drive(p.getValue());
                return null;
            }), "driving " + p.getKey());
            o.pinsDriven.put(p.getKey(), p.getValue());
        }
        long appStart = o.app.firstAddress();
        long flashEnd = runner.board().definition().memory().flash().end();
        AfterResetProbe probe = new AfterResetProbe(runner, appStart, Math.max(flashEnd, o.app.elements().getLast()
                .end()), options.traceBlocks(), options.traceLimitPs());
        await(probe.arm(), "arming the block tracer");
        int mark = console == null ? 0 : console.mark();
        out.printf("dfu: leave request (DfuSe SET_ADDRESS 0x%08x, zero-length DNLOAD)%n", appStart);
        long wall0 = System.nanoTime();
        long virtual0 = virtualNowPs();
        DfuResult r;
        try {
            r = new DfuHost(tap, DfuHostOptions.DFU_UTIL_0_11).dfuseCommand(AltFilter.number(options.alt()),
                    DfuseOptions.at(appStart).withLeave(true));
        } catch (DfuException e) {
            probe.cancel();
            throw e;
        } finally {
            o.finalStatus = tap.last();
        }
        o.add(r.report());
        o.warnings.addAll(r.warnings());
        o.leaveDone = true;
        o.disconnected = waitClosed(transport, 10_000);
        AfterResetProbe.Result after;
        try {
            after = probe.result().get(RESET_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            probe.cancel();
            throw new Failure("the device did not reset within " + RESET_WAIT_MILLIS / 1000 + " s after the leave "
                    + "request (last status " + describe(o.finalStatus) + ")");
        }
        o.afterReset = after;
        o.leaveDuration = new PhaseClock.Duration(System.nanoTime() - wall0,
                Math.max(0, after.reset().timePs() - virtual0));
        runUntil(after.reset().timePs() + options.settlePs());
        o.appResetHandler = await(runner.call(() -> runner.board().machine().memory().read32(appStart + 4)),
                "reading the app's vector table");
        if (console != null) {
            o.consoleAfterLeave = console.since(mark);
        }
        if (after.appRan()) {
            o.runs = FlashOutcome.Runs.APP;
        } else {
            try (UsbIpClient client = new UsbIpClient(Duration.ofSeconds(10))) {
                o.runs = awaitExport(client, REEXPORT_WAIT_MILLIS, Long.MAX_VALUE) != null
                        ? FlashOutcome.Runs.BOOTLOADER : FlashOutcome.Runs.NOTHING_SEEN;
            }
        }
        String unexpected = switch (options.expect()) {
            case APP -> o.runs == FlashOutcome.Runs.APP ? null : "the app did not start after the leave";
            case BOOTLOADER -> o.runs == FlashOutcome.Runs.BOOTLOADER ? null
                    : "the bootloader did not come back after the leave";
            case EITHER -> o.runs == FlashOutcome.Runs.NOTHING_SEEN ? "neither app code nor the bootloader's USB "
                    + "device was seen after the leave" : null;
        };
        if (unexpected != null) {
            o.fail(1, unexpected + ": " + describeRuns(o));
        }
    }

    /** One line: what runs now. */
    static String describeRuns(FlashOutcome o) {
        if (o.runs == null) {
            return "not known";
        }
        return switch (o.runs) {
            case APP -> String.format("app running from 0x%08x (VTOR 0x%08x)", o.app.firstAddress(),
                    o.afterReset.vtor());
            case BOOTLOADER -> "the bootloader again (its USB device is exported again under " + o.device.busid() + ")";
            case NOTHING_SEEN -> String.format("nothing recognisable: no code ran in 0x%08x.. within %ss of virtual "
                    + "time after the reset, and no USB device was exported", o.app.firstAddress(),
                    Ticks.formatSeconds(o.options.traceLimitPs()));
        };
    }

    static String describe(DfuStatusReport st) {
        return st == null ? "none" : DfuState.nameOf(st.stateCode()) + "/" + DfuStatus.nameOf(st.statusCode());
    }

    /** After a failed transfer, what the device says now (if it still answers). */
    private static String deviceState(StatusTap tap, FlashOutcome o) {
        if (o.dfuInterface == null) {
            return "";
        }
        var r = tap.controlIn(dev.stm32emu.cli.dfu.DfuRequest.GETSTATUS.setup(0, o.dfuInterface.interfaceNumber(),
                DfuStatusReport.LENGTH));
        if (!r.ok() || r.length() != DfuStatusReport.LENGTH) {
            return "";
        }
        DfuStatusReport st = DfuStatusReport.parse(r.data());
        return String.format(" (the device now reports state %s, status %s)", DfuState.nameOf(st.stateCode()),
                DfuStatus.nameOf(st.statusCode()));
    }

    /**
     * Polls the server's device list (wall time) until {@link #busid} is there; null if it is not
     * after {@code millis} of wall time or once the machine's clock is past {@code virtualPs}.
     */
    private UsbDeviceInfo awaitExport(UsbIpClient client, long millis, long virtualPs) throws Failure {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean last = false;
        while (true) {
            checkRunning();
            // Past the virtual deadline, one more look: the export may have come since the last.
            last = last || virtualNowPs() > virtualPs;
            try {
                for (UsbDeviceInfo d : client.list(host, port)) {
                    if (d.busid().equals(busid)) {
                        return d;
                    }
                }
            } catch (UsbIpException e) {
                throw new Failure(e.getMessage());
            }
            if (last || System.nanoTime() > end) {
                return null;
            }
            sleep(20);
        }
    }

    private static boolean waitClosed(UsbIpDfuTransport transport, long millis) {
        try {
            transport.device().closed().toCompletableFuture().handle((v, e) -> null).get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Lets the machine run until virtual time {@code ps}. */
    private void runUntil(long ps) throws Failure {
        await(runner.compose(() -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            var m = runner.board().machine();
            m.scheduler().after(Math.max(1, ps - m.clock().nowPs()), () -> done.complete(null));
            return done;
        }), "running the app");
    }

    private long virtualNowPs() {
        if (runner.stopped().isDone()) {
            return runner.board().machine().clock().nowPs();
        }
        try {
            return runner.call(() -> runner.board().machine().clock().nowPs()).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return runner.board().machine().clock().nowPs();
        } catch (ExecutionException | TimeoutException e) {
            return runner.board().machine().clock().nowPs();
        }
    }

    private void checkRunning() throws Failure {
        if (runner.stopped().isDone()) {
            String why = runner.stopped().handle((s, e) -> s != null ? s.message() : String.valueOf(e)).join();
            throw new Failure("the emulated board stopped: " + why);
        }
    }

    private <T> T await(CompletableFuture<T> f, String what) throws Failure {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while " + what);
        } catch (ExecutionException | TimeoutException e) {
            checkRunning();
            throw new Failure(what + " failed: " + (e.getCause() != null ? e.getCause().getMessage() : "no answer "
                    + "from the machine thread"));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** A failure that is neither the user's input nor a DFU error: the run ends with exit code 1. */
    private static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }
}
