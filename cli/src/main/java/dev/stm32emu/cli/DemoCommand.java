package dev.stm32emu.cli;

import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.boards.BoardOptions;
import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.boards.DefinitionException;
import dev.stm32emu.boards.DefinitionLoader;
import dev.stm32emu.cli.flash.AppFile;
import dev.stm32emu.cli.flash.ConsoleLines;
import dev.stm32emu.cli.flash.FlashOutcome;
import dev.stm32emu.cli.flash.FlashSession;
import dev.stm32emu.cli.flash.ProgressDisplay;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.time.Ticks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * `stm32emu demo`: the whole DfuSe flow in a minute. It boots our DfuSe bootloader on the
 * bluepill, serves its USB device over USB/IP on 127.0.0.1:3240, flashes the blink app
 * through its own USB/IP client (erase, write, read-back, leave), shows the app's banner and
 * LED, and then either serves the bootloader again for the user's own usbip and dfu-util
 * (a terminal, or --serve) or exits (scripts, CI, or --no-serve).
 *
 * <p>The machine is paced to the wall clock, as a board on a desk: the virtual timestamps are
 * seconds a person can follow, and the LED blinks at its real rate.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Boot the sample DfuSe bootloader on an emulated Blue Pill, serve it over USB/IP on "
                + "127.0.0.1:3240, and flash the blink app into it through a USB/IP client: the whole flow in "
                + "under a minute.",
                "Then, in a terminal (or with --serve), reset into the bootloader and keep serving it until Ctrl-C "
                        + "so you can try usbip and dfu-util yourself; otherwise (or with --no-serve) exit."})
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    static final int PORT = 3240;
    private static final int LED_TOGGLES = 4;
    private static final String BOARD = "bluepill";

    @Option(names = "--serve", description = "After the self-flash, keep serving the bootloader until Ctrl-C "
            + "(the default in a terminal).")
    boolean serve;

    @Option(names = "--no-serve", description = "Exit after the self-flash (the default when not in a terminal).")
    boolean noServe;

    @Override
    public Integer call() throws DefinitionException, InterruptedException {
        if (serve && noServe) {
            throw new UserError("--serve and --no-serve: choose one");
        }
        boolean keepServing = serve || !noServe && ProgressDisplay.isTerminal();
        LogSetup.configure("guest");
        Path bootloader = Samples.require("f103/dfu-bootloader-" + BOARD + ".elf");
        Path appPath = Samples.require("f103/blink-app-" + BOARD + ".bin");
        BoardDefinition def = new DefinitionLoader().board(BOARD);
        PrintStream out = System.out;
        out.println("stm32emu demo: a DfuSe bootloader flashed over USB/IP, with no board, no root and no kernel "
                + "module");
        out.println("(times are the emulated chip's virtual time, paced to the wall clock as on a desk)");
        out.println();
        step(out, 1, "boot our DfuSe bootloader " + Samples.home().relativize(bootloader) + " on the " + def.name()
                + ", BOOT1 (PB2) low: " + def.description());

        CountDownLatch booted = new CountDownLatch(1);
        ConsoleLines console = new ConsoleLines(line -> {
            out.println("  usart1| " + line);
            booted.countDown();
        });
        BoardOptions options = BoardOptions.defaults(new StreamConsole(out, System.err, System.in))
                .withUarts(Map.of(def.board().console(), "none")).withPins(Map.of(def.board().boot1Pin(), false));
        options = options.withPacing(dev.stm32emu.core.time.Pacing.REAL_TIME);
        try (BoardSession session = new BoardSession(def, options, System.err)) {
            session.board().connectSerial(def.board().console(), console);
            session.load(bootloader, def.memory().flash().base());
            AtomicLong appStartedPs = new AtomicLong(-1);
            AtomicInteger toggles = new AtomicInteger();
            CountDownLatch ledSeen = new CountDownLatch(LED_TOGGLES);
            session.board().machine().events().subscribe(events(out, appStartedPs, toggles, ledSeen));
            BoardRunner runner = session.runInBackground();
            booted.await(10, TimeUnit.SECONDS); // its banner first, then the next step
            try (UsbIpServing serving = serve(session, runner, out)) {
                awaitExported(serving, out);
                step(out, 3, "flash " + appPath.getFileName() + " through our own USB/IP client, as a remote host "
                        + "would: erase, write, read back, set BOOT1, leave");
                FlashSession flash = new FlashSession(runner, serving.host(), serving.port(), UsbIpServing.BUSID, out,
                        new ProgressDisplay(out, ProgressDisplay.isTerminal()), console);
                AppFile app = AppFile.read(appPath, null, FlashCommand.DEFAULT_APP_ADDRESS, 0);
                FlashOutcome outcome = flash.run(app, FlashSession.Options.of(0, true,
                        Map.of(def.board().boot1Pin(), true), FlashSession.Expect.APP));
                if (outcome.failure() != null) {
                    System.err.println("stm32emu demo: the self-flash failed: " + outcome.failure());
                    return outcome.exitCode() == 0 ? 1 : outcome.exitCode();
                }
                appStartedPs.set(outcome.afterReset().reset().timePs());
                step(out, 4, String.format("the app runs from 0x%08x (VTOR 0x%08x; first app code at 0x%08x); its LED "
                        + "on PC13 blinks:", app.firstAddress(), outcome.afterReset().vtor(),
                        outcome.afterReset().firstAppBlocks().get(0)));
                if (!ledSeen.await(30, TimeUnit.SECONDS)) {
                    System.err.println("stm32emu demo: the LED did not blink (" + toggles.get() + " changes seen)");
                    return 1;
                }
                out.printf("  flashed, verified and started in %.1f s of wall time%n", outcome.totalWallNanos() / 1e9);
                out.println();
                if (!keepServing) {
                    out.println("done. Run ./stm32emu demo in a terminal (or with --serve) to keep the bootloader "
                            + "served and try usbip and dfu-util yourself; ./stm32emu flash --help flashes your own "
                            + "app.");
                    return 0;
                }
                step(out, 5, "back into the bootloader: BOOT1 (PB2) low, reset (NRST); serving it until Ctrl-C");
                runner.call(() -> {
                    session.board().pin(def.board().boot1Pin()).drive(false);
                    session.board().machine().requestReset(ResetKind.PIN);
                    return null;
                }).join();
                awaitExported(serving, out);
                serving.printHints();
                out.println("  e.g. dfu-util -a 0 -s 0x08008000:leave "
                        + "-D firmware-samples/build/f103/blink-app-bluepill.bin");
                out.println("stm32emu demo: serving; press Ctrl-C to stop");
                try {
                    runner.stopped().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // stopped from inside the JVM (tests)
                } catch (java.util.concurrent.ExecutionException e) {
                    System.err.println("stm32emu demo: the machine failed: " + e.getCause());
                    return 1;
                }
                return 0;
            }
        }
    }

    /** Starts USB/IP on 127.0.0.1:3240, or an ephemeral port when 3240 is taken. */
    private static UsbIpServing serve(BoardSession session, BoardRunner runner, PrintStream out) {
        try {
            step(out, 2, "serve its USB device over USB/IP on 127.0.0.1:" + PORT + " (bus id " + UsbIpServing.BUSID
                    + ")");
            return UsbIpServing.start(session.board(), runner, new UsbIpServing.Endpoint("127.0.0.1", PORT), false, out,
                    null, false);
        } catch (UserError e) {
            out.println("stm32emu demo: port " + PORT + " on 127.0.0.1 is taken (a usbipd or another stm32emu?); "
                    + "serving on an ephemeral port instead");
            return UsbIpServing.start(session.board(), runner, new UsbIpServing.Endpoint("127.0.0.1", 0), false, out,
                    null, false);
        }
    }

    /** Resets and LED changes as they happen, with their virtual time. */
    private static Consumer<MachineEvent> events(PrintStream out, AtomicLong appStartedPs, AtomicInteger toggles,
                                                 CountDownLatch ledSeen) {
        return e -> {
            if (e instanceof MachineEvent.Reset r && r.kind() != ResetKind.POWER_ON) {
                out.printf("  t=%ss reset (%s), boot from %s%n", Ticks.formatSeconds(r.timePs()),
                        r.kind() == ResetKind.SOFTWARE ? "software, AIRCR.SYSRESETREQ" : "NRST pin", r.bootSource());
            } else if (e instanceof MachineEvent.PinChange p && p.pin().equals("PC13") && appStartedPs.get() >= 0
                    && p.timePs() > appStartedPs.get() && toggles.get() < LED_TOGGLES) {
                toggles.incrementAndGet();
                out.printf("  t=%ss LED %s (PC13 %s)%n", Ticks.formatSeconds(p.timePs()), p.level() ? "off" : "on",
                        p.level() ? "high" : "low");
                ledSeen.countDown();
            }
        };
    }

    private static void awaitExported(UsbIpServing serving, PrintStream out) throws InterruptedException {
        try (var client = new dev.stm32emu.usbip.client.UsbIpClient()) {
            for (int i = 0; i < 300; i++) {
                if (!client.list(serving.host(), serving.port()).isEmpty()) {
                    return;
                }
                Thread.sleep(50);
            }
            out.println("stm32emu demo: the bootloader did not export its device again within 15 s");
        } catch (dev.stm32emu.usbip.client.UsbIpException e) {
            out.println("stm32emu demo: " + e.getMessage());
        }
    }

    private static void step(PrintStream out, int n, String what) {
        out.println(n + ". " + what);
    }
}
