package dev.stm32emu.cli;

import dev.stm32emu.boards.Board;
import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.boards.bridge.UsbIpBridge;
import dev.stm32emu.core.usb.EnumeratedDevice;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.server.UsbIpServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;

/**
 * A board's USB device served over USB/IP: the server, the bridge, and the lines a user
 * sees (what to run next, every export, import, detach and reset).
 */
final class UsbIpServing implements AutoCloseable {
    static final String BUSID = "1-1";
    private final UsbIpServer server;
    private final UsbIpBridge bridge;
    private final PrintStream out;
    private boolean hintsShown;

    private UsbIpServing(UsbIpServer server, UsbIpBridge bridge, PrintStream out, boolean hints) {
        this.server = server;
        this.bridge = bridge;
        this.out = out;
        this.hintsShown = !hints;
    }

    /** Parses "[HOST:]PORT". */
    record Endpoint(String host, int port) {
        static Endpoint parse(String text) {
            String host = "127.0.0.1";
            String port = text;
            int colon = text.lastIndexOf(':');
            if (colon >= 0) {
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            }
            try {
                int p = Integer.parseInt(port);
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                return new Endpoint(host.isEmpty() ? "127.0.0.1" : host, p);
            } catch (NumberFormatException e) {
                throw new UserError("--usbip: expected [HOST:]PORT (e.g. 3240 or 127.0.0.1:3240), got '" + text + "'");
            }
        }
    }

    static UsbIpServing start(Board board, BoardRunner runner, Endpoint endpoint, boolean allowRemote, PrintStream out,
                              java.nio.file.Path urbLog) {
        return start(board, runner, endpoint, allowRemote, out, urbLog, true);
    }

    /**
     * @param hints print the commands to try (usbip list/attach, dfu-util) when the device is
     *              first exported; off for commands that use the device themselves (flash)
     */
    static UsbIpServing start(Board board, BoardRunner runner, Endpoint endpoint, boolean allowRemote, PrintStream out,
                              java.nio.file.Path urbLog, boolean hints) {
        if (board.usb().isEmpty()) {
            throw new UserError("--usbip: the " + board.definition().mcu() + " has no USB device to export");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(endpoint.host());
        } catch (IOException e) {
            throw new UserError("--usbip: unknown host '" + endpoint.host() + "'");
        }
        if (!address.isLoopbackAddress() && !allowRemote) {
            throw new UserError("--usbip: " + endpoint.host() + " is not a loopback address; USB/IP has no "
                    + "authentication, so binding it needs --usbip-allow-remote");
        }
        if (!address.isLoopbackAddress()) {
            out.println("stm32emu: WARNING: USB/IP has no authentication: anyone who reaches " + endpoint.host() + ":"
                    + endpoint.port() + " can attach and reflash the emulated board");
        }
        UsbIpServer server;
        try {
            server = UsbIpServer.builder().bindAddress(address).port(endpoint.port()).allowRemote(allowRemote).start();
        } catch (IOException e) {
            throw new UserError("--usbip: cannot listen on " + endpoint.host() + ":" + endpoint.port() + ": "
                    + e.getMessage() + (endpoint.port() == 3240 ? " (is another usbipd or stm32emu running?)" : ""));
        }
        UsbIpServing[] self = new UsbIpServing[1];
        UsbIpBridge bridge = new UsbIpBridge(runner, board.usb().get(), server, BUSID, 1, 2,
                new UsbIpBridge.BridgeListener() {
                    @Override
                    public void exported(UsbDeviceInfo info, EnumeratedDevice device) {
                        self[0].onExported(info, device);
                    }

                    @Override
                    public void event(String what) {
                        out.println("stm32emu: usbip " + BUSID + ": " + what);
                    }
                });
        self[0] = new UsbIpServing(server, bridge, out, hints);
        if (urbLog != null) {
            self[0].logUrbsTo(urbLog);
        }
        out.println("stm32emu: serving USB/IP on " + endpoint.host() + ":" + server.port() + " (bus id " + BUSID
                + "); the device appears when the firmware connects it");
        bridge.start();
        return self[0];
    }

    int port() {
        return server.port();
    }

    /** The address the server listens on, as a client would dial it ("127.0.0.1"). */
    String host() {
        return server.localAddress().getAddress().getHostAddress();
    }

    /** Prints the commands to try against this server now (once the device is there). */
    void printHints() {
        hintsShown = true;
        String host = host();
        String portOpt = server.port() == 3240 ? "" : " --tcp-port " + server.port();
        out.println("stm32emu: next, on this machine (needs the vhci-hcd kernel module):");
        out.println("    usbip" + portOpt + " list -r " + host);
        out.println("    sudo modprobe vhci-hcd && sudo usbip" + portOpt + " attach -r " + host + " -b " + BUSID);
        out.println("    dfu-util -l");
        out.println("stm32emu: or, without vhci-hcd or root, in a throwaway Linux guest:");
        out.println("    ./stm32emu linux-client --usbip " + host + ":" + server.port() + " -- dfu-util -l");
    }

    /** Writes one JSON line per URB to {@code file} (created or truncated). */
    void logUrbsTo(java.nio.file.Path file) {
        try {
            java.io.PrintWriter w = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(file), true);
            bridge.setUrbLog(line -> {
                synchronized (w) {
                    w.println(line);
                }
            });
            logWriter = w;
        } catch (java.io.IOException e) {
            throw new UserError("--usbip-log: cannot write " + file + ": " + e.getMessage());
        }
    }

    private java.io.PrintWriter logWriter;

    private void onExported(UsbDeviceInfo info, EnumeratedDevice device) {
        String product = device.string(device.device().productIndex());
        out.printf("stm32emu: usbip %s: %04x:%04x%s exported%n", BUSID, info.idVendor(), info.idProduct(),
                product == null ? "" : " \"" + product + "\"");
        if (!hintsShown) {
            printHints();
        }
    }

    @Override
    public void close() {
        server.close();
        if (logWriter != null) {
            logWriter.close();
        }
    }
}
