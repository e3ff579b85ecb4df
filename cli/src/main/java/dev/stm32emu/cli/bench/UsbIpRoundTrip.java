package dev.stm32emu.cli.bench;

import dev.stm32emu.boards.Board;
import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.boards.BoardFactory;
import dev.stm32emu.boards.BoardOptions;
import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.boards.DefinitionLoader;
import dev.stm32emu.boards.bridge.UsbIpBridge;
import dev.stm32emu.cli.dfu.ControlResult;
import dev.stm32emu.cli.dfu.DfuRequest;
import dev.stm32emu.cli.dfu.DfuTransport;
import dev.stm32emu.cli.dfu.EngineDfuTransport;
import dev.stm32emu.cli.dfu.UsbIpDfuTransport;
import dev.stm32emu.core.image.ImageLoader;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.core.time.Pacing;
import dev.stm32emu.core.usb.EnumeratedDevice;
import dev.stm32emu.core.usb.SetupPacket;
import dev.stm32emu.usbip.client.UsbIpClient;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.server.UsbIpServer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Benchmark behind {@code bench/usbip-rtt}: the round trip of one DFU GETSTATUS control
 * transfer to the emulated DfuSe bootloader (bluepill) through USB/IP on loopback, next to a
 * raw TCP echo of the same sizes on loopback in the same run (the floor) and the same request
 * in process through the transfer engine (no TCP). Prints a Markdown table of median, 99th
 * percentile and mean in microseconds. Figures, not assertions.
 *
 * <pre>java -cp stm32emu.jar dev.stm32emu.cli.bench.UsbIpRoundTrip --firmware DIR [--requests N] [--warmup N]</pre>
 */
public final class UsbIpRoundTrip {
    /** CMD_SUBMIT of a control IN without data, and its RET_SUBMIT with the 6 status bytes. */
    private static final int REQUEST_BYTES = 48;
    private static final int REPLY_BYTES = 48 + 6;
    private static final SetupPacket GETSTATUS = DfuRequest.GETSTATUS.setup(0, 0, 6);

    private UsbIpRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int requests = 2000;
        int warmup = 500;
        Path firmware = Path.of("firmware-samples/build");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--firmware" -> firmware = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        Arrays.stream(root.getHandlers()).forEach(h -> h.setLevel(Level.WARNING));
        Path bootloader = firmware.resolve("f103/dfu-bootloader-bluepill.elf");

        System.out.printf("GETSTATUS round trips: %d after %d warm-up, one at a time; microseconds%n%n", requests,
                warmup);
        System.out.println("| path | median | p99 | mean |");
        System.out.println("|---|---|---|---|");
        row("raw TCP echo on loopback, " + REQUEST_BYTES + " -> " + REPLY_BYTES + " bytes (the floor)",
                echo(requests, warmup));
        row("GETSTATUS through USB/IP on loopback, machine as fast as possible (run --usbip --fast)",
                usbip(bootloader, Pacing.FREE, requests, warmup));
        row("GETSTATUS through USB/IP on loopback, sleeps paced to the wall clock (flash's default)",
                usbip(bootloader, Pacing.IDLE_REAL_TIME, requests, warmup));
        row("GETSTATUS through USB/IP on loopback, machine paced to the wall clock (run --usbip's default)",
                usbip(bootloader, Pacing.REAL_TIME, requests, warmup));
        row("GETSTATUS in process through the transfer engine (no TCP)", engine(bootloader, requests, warmup));
    }

    private static void row(String what, long[] nanos) {
        Arrays.sort(nanos);
        double mean = Arrays.stream(nanos).average().orElse(0);
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", what, percentile(nanos, 50) / 1e3,
                percentile(nanos, 99) / 1e3, mean / 1e3);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static long[] echo(int requests, int warmup) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    byte[] req = new byte[REQUEST_BYTES];
                    byte[] rep = new byte[REPLY_BYTES];
                    while (true) {
                        in.readFully(req);
                        out.write(rep);
                    }
                } catch (IOException done) {
                    // the client closed
                }
            }, "echo");
            t.setDaemon(true);
            t.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] req = new byte[REQUEST_BYTES];
                byte[] rep = new byte[REPLY_BYTES];
                long[] times = new long[requests];
                for (int i = -warmup; i < requests; i++) {
                    long t0 = System.nanoTime();
                    out.write(req);
                    in.readFully(rep);
                    if (i >= 0) {
                        times[i] = System.nanoTime() - t0;
                    }
                }
                return times;
            }
        }
    }

    private static long[] usbip(Path bootloader, Pacing paced, int requests, int warmup) throws Exception {
        try (Running r = boot(bootloader, paced);
             UsbIpServer server = UsbIpServer.builder().bindAddress("127.0.0.1").port(0).start();
             UsbIpClient client = new UsbIpClient()) {
            UsbIpBridge.BridgeListener quiet = new UsbIpBridge.BridgeListener() {
                @Override
                public void exported(UsbDeviceInfo info, EnumeratedDevice device) {
                }

                @Override
                public void event(String what) {
                }
            };
            new UsbIpBridge(r.runner, r.board.usb().orElseThrow(), server, "1-1", 1, 2, quiet).start()
                    .get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 400 && client.list("127.0.0.1", server.port()).isEmpty(); i++) {
                Thread.sleep(25);
            }
            try (UsbIpDfuTransport t = UsbIpDfuTransport.open(client.importDevice("127.0.0.1", server.port(), "1-1"))) {
                return measure(t, requests, warmup);
            }
        }
    }

    private static long[] engine(Path bootloader, int requests, int warmup) throws Exception {
        try (Running r = boot(bootloader, Pacing.FREE)) {
            return measure(EngineDfuTransport.open(r.runner), requests, warmup);
        }
    }

    private static long[] measure(DfuTransport t, int requests, int warmup) {
        long[] times = new long[requests];
        for (int i = -warmup; i < requests; i++) {
            long t0 = System.nanoTime();
            ControlResult r = t.controlIn(GETSTATUS);
            long dt = System.nanoTime() - t0;
            if (!r.ok() || r.length() != 6) {
                throw new IllegalStateException("GETSTATUS failed: " + r);
            }
            if (i >= 0) {
                times[i] = dt;
            }
        }
        return times;
    }

    private static Running boot(Path bootloader, Pacing paced) throws Exception {
        BoardDefinition def = new DefinitionLoader().board("bluepill");
        BoardOptions o = BoardOptions.defaults(new CapturingConsole()).withUarts(Map.of("usart1", "none"))
                .withPins(Map.of("PB2", false));
        o = o.withPacing(paced);
        Board board = new BoardFactory().build(def, o);
        board.loadFirmware(ImageLoader.load(bootloader, def.memory().flash().base()));
        return new Running(board, new BoardRunner(board).start());
    }

    private record Running(Board board, BoardRunner runner) implements AutoCloseable {
        @Override
        public void close() {
            runner.close();
            board.close();
        }
    }
}
