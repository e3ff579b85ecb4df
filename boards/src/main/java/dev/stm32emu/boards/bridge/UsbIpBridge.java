package dev.stm32emu.boards.bridge;

import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.core.usb.ConfigurationDescriptor;
import dev.stm32emu.core.usb.EndpointDescriptor;
import dev.stm32emu.core.usb.EnumeratedDevice;
import dev.stm32emu.core.usb.InterfaceDescriptor;
import dev.stm32emu.core.usb.SetupPacket;
import dev.stm32emu.core.usb.StandardRequests;
import dev.stm32emu.core.usb.TransferResult;
import dev.stm32emu.core.usb.TransferType;
import dev.stm32emu.core.usb.UsbEnumerator;
import dev.stm32emu.core.usb.UsbHostPort;
import dev.stm32emu.core.usb.UsbTransfer;
import dev.stm32emu.core.usb.UsbTransferEngine;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.message.UsbInterfaceInfo;
import dev.stm32emu.usbip.message.UsbSpeed;
import dev.stm32emu.usbip.server.Urb;
import dev.stm32emu.usbip.server.UrbResult;
import dev.stm32emu.usbip.server.UsbIpDevice;
import dev.stm32emu.usbip.server.UsbIpServer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Exports a board's USB device over USB/IP: turns URBs into transfers on the host-side
 * engine (ARCHITECTURE.md, USB layer 3) and makes the emulated chip look like a device the
 * server's own host has already enumerated (facts-usb.md §2.7):
 * <ul>
 * <li>the Linux client never forwards bus resets or SET_ADDRESS (§2.1), so the bridge
 *     puts a bus reset and a SET_ADDRESS into the peripheral before it serves a client,
 *     and again on the re-enumeration signal GET_DESCRIPTOR(DEVICE, 64) (§2.6) or the
 *     "reset device" request; ST's device library stalls SET_CONFIGURATION without an
 *     address;</li>
 * <li>SET_CONFIGURATION, SET_INTERFACE and CLEAR_FEATURE(ENDPOINT_HALT) reach the
 *     firmware and reset the host-side data toggles (§2.7);</li>
 * <li>the device is exported only while the firmware has it attached (D+ pull-up); on a
 *     detach or a chip reset, pending transfers end and the connection is closed after the
 *     replies already produced (a GETSTATUS answered dfuMANIFEST) are flushed.</li>
 * </ul>
 * Netty threads never touch the machine: URBs are posted to the machine thread and their
 * results come back through futures. State below is machine-thread only unless volatile.
 */
public final class UsbIpBridge implements UsbIpDevice {
    /** USB 2.0 §7.1.7.3: a host waits for the connection to settle (TATTDB) before resetting. */
    private static final long ATTACH_DEBOUNCE_PS = 100_000_000_000L;
    /** USB 2.0 §9.2.6.3: 2 ms SetAddress recovery. */
    private static final long SET_ADDRESS_RECOVERY_PS = 2_000_000_000L;

    private final BoardRunner runner;
    private final UsbHostPort port;
    private final UsbIpServer server;
    private final String busid;
    private final int busnum;
    private final int address;
    private final BridgeListener listener;
    private final Map<Integer, UsbTransfer> pending = new HashMap<>();
    private UsbTransferEngine engine;
    private EnumeratedDevice device;
    private int configuration;
    private final Map<Integer, Integer> altSettings = new HashMap<>();
    private boolean exported;
    private long attachGeneration;
    private volatile UsbDeviceInfo info;
    private volatile java.util.function.Consumer<String> urbLog = line -> {
    };

    /**
     * @param busid   the bus id clients import ("1-1")
     * @param address the USB address given to the device (also the devnum in DEVLIST)
     */
    public UsbIpBridge(BoardRunner runner, UsbHostPort port, UsbIpServer server, String busid, int busnum, int address,
                       BridgeListener listener) {
        this.runner = runner;
        this.port = port;
        this.server = server;
        this.busid = busid;
        this.busnum = busnum;
        this.address = address;
        this.listener = listener;
    }

    /** Starts watching the device's attach state (call once; the machine may already run). */
    public CompletableFuture<Void> start() {
        return runner.call(() -> {
            engine = new UsbTransferEngine(port, runner.board().machine().scheduler());
            port.addAttachListener(this::attachChanged);
            if (port.isAttached()) {
                attachChanged(true);
            }
            return null;
        });
    }

    /**
     * Receives one JSON line per URB the bridge completes (and per action it takes on its
     * own, such as the synthesized bus reset): the enumeration log of issue 6's tests.
     */
    public void setUrbLog(java.util.function.Consumer<String> log) {
        this.urbLog = log == null ? line -> {
        } : log;
    }

    /** The bus id the device is exported under. */
    public String busid() {
        return busid;
    }

    // ---- UsbIpDevice (Netty threads) -------------------------------------------------

    @Override
    public UsbDeviceInfo info() {
        UsbDeviceInfo i = info;
        if (i == null) {
            throw new IllegalStateException("not enumerated yet");
        }
        return i;
    }

    @Override
    public CompletionStage<UrbResult> submit(Urb urb) {
        return runner.compose(() -> start(urb));
    }

    @Override
    public boolean unlink(int seqnum) {
        runner.call(() -> {
            UsbTransfer t = pending.remove(seqnum);
            if (t != null) {
                engine.cancel(t);
            }
            return null;
        });
        return true;
    }

    @Override
    public void imported() {
        listener.event("imported by a client");
    }

    @Override
    public void released() {
        listener.event("released by the client");
        runner.call(() -> {
            cancelAll();
            return null;
        });
    }

    // ---- machine thread ---------------------------------------------------------------

    private void attachChanged(boolean attached) {
        long generation = ++attachGeneration;
        if (attached) {
            // Listeners run inside the firmware's register write: schedule the enumeration.
            runner.board().machine().scheduler().after(ATTACH_DEBOUNCE_PS, () -> {
                if (generation == attachGeneration && port.isAttached()) {
                    enumerateAndExport(generation);
                }
            });
        } else if (exported) {
            exported = false;
            cancelAll();
            listener.event("device detached (D+ released or chip reset): closing the client connection");
            server.withdraw(busid);
        }
    }

    private void enumerateAndExport(long generation) {
        new UsbEnumerator(engine, runner.board().machine().scheduler()).enumerate(address).whenComplete((d, failure) -> {
            if (generation != attachGeneration) {
                return;
            }
            if (failure != null) {
                listener.event("enumeration failed, not exported: " + failure.getMessage());
                return;
            }
            device = d;
            configuration = 0;
            altSettings.clear();
            info = describe(d);
            exported = true;
            server.export(this);
            listener.exported(info, d);
        });
    }

    private CompletableFuture<UrbResult> start(Urb urb) {
        if (!exported || engine == null) {
            log(urb, UrbResult.error(UrbResult.ENODEV), "device not attached");
            return CompletableFuture.completedFuture(UrbResult.error(UrbResult.ENODEV));
        }
        if (urb.endpoint() == 0) {
            return control(urb);
        }
        EndpointDescriptor ep = endpoint(urb.endpoint(), urb.in());
        TransferType type = ep == null ? TransferType.BULK : ep.transferType();
        int address = urb.endpoint() | (urb.in() ? 0x80 : 0);
        UsbTransfer t = switch (type) {
            case INTERRUPT -> urb.in() ? engine.interruptIn(address, urb.transferBufferLength(), 0)
                    : engine.interruptOut(address, urb.data(), 0);
            case BULK -> urb.in() ? engine.bulkIn(address, urb.transferBufferLength(), 0)
                    : engine.bulkOut(address, urb.data(), (urb.transferFlags() & Urb.ZERO_PACKET) != 0, 0);
            default -> null;
        };
        if (t == null) {
            listener.event("isochronous endpoint " + address + ": not supported");
            return CompletableFuture.completedFuture(UrbResult.error(UrbResult.EPROTO));
        }
        return track(urb, t);
    }

    private CompletableFuture<UrbResult> control(Urb urb) {
        SetupPacket setup = SetupPacket.parse(urb.setup());
        int type = setup.requestType();
        int request = setup.request();
        if (type == 0x00 && request == StandardRequests.SET_ADDRESS) {
            // The address is ours to give (vhci swallows it); the device already has one.
            log(urb, UrbResult.okOut(0), "completed locally: the device already has an address");
            return CompletableFuture.completedFuture(UrbResult.okOut(0));
        }
        if (type == 0x23 && request == 3 && setup.value() == 4) {
            // usbip-host's "reset device" (SET_FEATURE PORT_RESET to the hub port).
            return resetAndAddress().thenApply(v -> {
                log(urb, UrbResult.okOut(0), "reset device: bus reset and SET_ADDRESS");
                return UrbResult.okOut(0);
            });
        }
        CompletableFuture<Void> before = CompletableFuture.completedFuture(null);
        if (type == 0x80 && request == StandardRequests.GET_DESCRIPTOR && (setup.value() >>> 8) == 1
                && setup.length() == 64) {
            before = resetAndAddress(); // the kernel reset the port: do it to the device too
        }
        return before.thenCompose(v -> {
            UsbTransfer t = engine.control(0, setup, setup.isIn() ? null : urb.data(), 0);
            return track(urb, t).thenApply(r -> {
                if (r.status() == 0) {
                    afterStandardRequest(setup);
                }
                return r;
            });
        });
    }

    private CompletableFuture<UrbResult> track(Urb urb, UsbTransfer t) {
        pending.put(urb.seqnum(), t);
        return t.result().thenApply(r -> {
            pending.remove(urb.seqnum());
            UrbResult result = toUrbResult(urb, r);
            log(urb, result, r.status() + (r.detail() == null ? "" : " " + r.detail()));
            return result;
        });
    }

    private void log(Urb urb, UrbResult result, String note) {
        urbLog.accept(String.format("{\"t\":%d,\"seq\":%d,\"ep\":%d,\"dir\":\"%s\",\"setup\":%s,\"length\":%d,"
                        + "\"status\":%d,\"actual\":%d,\"note\":\"%s\"}",
                runner.board().machine().clock().nowPs() / 1000, urb.seqnum(), urb.endpoint(), urb.in() ? "in" : "out",
                urb.endpoint() == 0 ? "\"" + java.util.HexFormat.of().formatHex(urb.setup()) + "\"" : "null",
                urb.transferBufferLength(), result.status(), result.actualLength(), note));
    }

    /** Bus reset, then SET_ADDRESS, as the server's own host would have done. */
    private CompletableFuture<Void> resetAndAddress() {
        listener.event("bus reset and SET_ADDRESS(" + address + ") before serving the client");
        engine.busReset();
        configuration = 0;
        altSettings.clear();
        CompletableFuture<Void> done = new CompletableFuture<>();
        engine.control(0, StandardRequests.setAddress(address), null, UsbTransferEngine.DEFAULT_CONTROL_TIMEOUT_PS)
                .result().whenComplete((r, e) -> runner.board().machine().scheduler()
                        .after(SET_ADDRESS_RECOVERY_PS, () -> done.complete(null)));
        return done;
    }

    /** Host-side state after a successful standard request (facts-usb.md §2.7). */
    private void afterStandardRequest(SetupPacket s) {
        if (s.requestType() == 0x00 && s.request() == StandardRequests.SET_CONFIGURATION) {
            configuration = s.value() & 0xFF;
            altSettings.clear();
            engine.resetDataToggles();
            info = withConfiguration(info, configuration);
        } else if (s.requestType() == 0x01 && s.request() == StandardRequests.SET_INTERFACE) {
            altSettings.put(s.index() & 0xFF, s.value() & 0xFF);
            InterfaceDescriptor i = currentInterface(s.index() & 0xFF);
            if (i != null) {
                for (EndpointDescriptor e : i.endpoints()) {
                    engine.setMaxPacketSize(e.address(), e.packetSize());
                    engine.resetDataToggle(e.address());
                }
            }
        } else if (s.requestType() == 0x02 && s.request() == StandardRequests.CLEAR_FEATURE && s.value() == 0) {
            engine.resetDataToggle(s.index() & 0xFF);
        }
    }

    private UrbResult toUrbResult(Urb urb, TransferResult r) {
        return switch (r.status()) {
            case OK -> {
                if (urb.in()) {
                    byte[] data = r.data();
                    yield UrbResult.ok(data.length > urb.transferBufferLength()
                            ? java.util.Arrays.copyOf(data, urb.transferBufferLength()) : data);
                }
                // Control OUT completions report the full length (dfu-util compares it, facts-usb §1.6).
                yield UrbResult.okOut(urb.endpoint() == 0 ? urb.transferBufferLength() : r.actualLength());
            }
            case STALL -> UrbResult.error(UrbResult.EPIPE);
            case CANCELLED -> UrbResult.error(UrbResult.ECONNRESET);
            case TIMEOUT -> UrbResult.error(UrbResult.ETIME);
            case DISCONNECTED -> UrbResult.error(UrbResult.ESHUTDOWN);
            default -> UrbResult.error(r.detail() != null && (r.detail().startsWith("babble")
                    || r.detail().startsWith("overflow")) ? UrbResult.EOVERFLOW : UrbResult.EPROTO);
        };
    }

    private void cancelAll() {
        for (UsbTransfer t : new ArrayList<>(pending.values())) {
            engine.cancel(t);
        }
        pending.clear();
    }

    private EndpointDescriptor endpoint(int number, boolean in) {
        ConfigurationDescriptor c = currentConfiguration();
        if (c == null) {
            return null;
        }
        for (InterfaceDescriptor i : c.interfaces()) {
            if (i.alternateSetting() != altSettings.getOrDefault(i.number(), 0)) {
                continue;
            }
            for (EndpointDescriptor e : i.endpoints()) {
                if (e.number() == number && e.isIn() == in) {
                    return e;
                }
            }
        }
        return null;
    }

    private InterfaceDescriptor currentInterface(int number) {
        ConfigurationDescriptor c = currentConfiguration();
        int alt = altSettings.getOrDefault(number, 0);
        if (c != null) {
            for (InterfaceDescriptor i : c.interfaces()) {
                if (i.number() == number && i.alternateSetting() == alt) {
                    return i;
                }
            }
        }
        return null;
    }

    private ConfigurationDescriptor currentConfiguration() {
        if (device == null) {
            return null;
        }
        for (ConfigurationDescriptor c : device.configurations()) {
            if (c.configurationValue() == configuration) {
                return c;
            }
        }
        return null;
    }

    private UsbDeviceInfo describe(EnumeratedDevice d) {
        List<UsbInterfaceInfo> interfaces = new ArrayList<>();
        if (!d.configurations().isEmpty()) {
            for (InterfaceDescriptor i : d.configurations().get(0).interfaces()) {
                if (i.alternateSetting() == 0) {
                    interfaces.add(new UsbInterfaceInfo(i.interfaceClass(), i.interfaceSubClass(), i.interfaceProtocol()));
                }
            }
        }
        var dd = d.device();
        return new UsbDeviceInfo("/sys/devices/platform/stm32emu/usb" + busnum + "/" + busid, busid, busnum, address,
                UsbSpeed.FULL, dd.vendorId(), dd.productId(), dd.deviceVersion(), dd.deviceClass(), dd.deviceSubClass(),
                dd.deviceProtocol(), 0, dd.numConfigurations(), interfaces);
    }

    private static UsbDeviceInfo withConfiguration(UsbDeviceInfo i, int value) {
        return new UsbDeviceInfo(i.path(), i.busid(), i.busnum(), i.devnum(), i.speed(), i.idVendor(), i.idProduct(),
                i.bcdDevice(), i.bDeviceClass(), i.bDeviceSubClass(), i.bDeviceProtocol(), value, i.bNumConfigurations(),
                i.interfaces());
    }

    /** What the bridge reports to its user (the CLI prints these). */
    public interface BridgeListener {
        /** The device was enumerated and is now offered under its bus id. */
        void exported(UsbDeviceInfo info, EnumeratedDevice device);

        /** Something worth a line: import, release, detach, reset. */
        void event(String what);
    }
}
