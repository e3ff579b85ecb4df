package dev.stm32emu.core.usb;

import dev.stm32emu.core.time.Scheduler;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Enumerates the device on a {@link UsbTransferEngine} the way Linux does for a
 * full-speed device on a USB 2.0 port (hub.c hub_port_init, "new scheme"; facts-usb.md
 * §2.3): bus reset, GET_DESCRIPTOR(DEVICE, 64) for bMaxPacketSize0, a second bus reset,
 * SET_ADDRESS, GET_DESCRIPTOR(DEVICE, 18), each configuration (9 bytes, then
 * wTotalLength), string 0 and then every string index the descriptors name, read with
 * the first LANGID and wLength 255. It leaves the device addressed but unconfigured.
 *
 * <p>The USB/IP client never sends a bus reset or SET_ADDRESS, and ST's USB library
 * stalls SET_CONFIGURATION until it has an address, so the bridge runs this before
 * serving a client (facts-usb.md §2.7). Machine thread only; the enumerator assumes it
 * is the engine's only user while it runs (its bus resets cancel other transfers).
 * The engine's max packet sizes are set from bMaxPacketSize0 and from the endpoints of
 * alternate setting 0 of the first configuration.
 */
public final class UsbEnumerator {
    /** Reset recovery before the first request (USB 2.0 §7.1.7.3 TRSTRCY). */
    public static final long RESET_RECOVERY_PS = 10_000_000_000L;
    /** Linux waits 10 ms after SET_ADDRESS before talking to the new address (USB 2.0 §9.2.6.3 allows 2 ms). */
    public static final long SET_ADDRESS_RECOVERY_PS = 10_000_000_000L;
    private static final int FIRST_DEVICE_READ = 64;
    private static final int STRING_READ = 255;

    private final UsbTransferEngine engine;
    private final Scheduler scheduler;

    public UsbEnumerator(UsbTransferEngine engine, Scheduler scheduler) {
        this.engine = engine;
        this.scheduler = scheduler;
    }

    /**
     * Enumerates and gives the device {@code address} (1-127). Completes exceptionally
     * with a {@link UsbEnumerationException} at the first failed step.
     */
    public CompletableFuture<EnumeratedDevice> enumerate(int address) {
        if (address < 1 || address > 127) {
            throw new IllegalArgumentException("USB address " + address + " is not 1-127");
        }
        State s = new State();
        CompletableFuture<EnumeratedDevice> out = new CompletableFuture<>();
        reset()
                .thenCompose(v -> read("GET_DESCRIPTOR(DEVICE, 64)",
                        StandardRequests.getDescriptor(StandardRequests.DEVICE, 0, 0, FIRST_DEVICE_READ)))
                .thenApply(first -> parse("bMaxPacketSize0", first, DeviceDescriptor::maxPacketSize0))
                .thenCompose(mps -> {
                    engine.setMaxPacketSize(0, mps);
                    return reset();
                })
                .thenCompose(v -> read("SET_ADDRESS(" + address + ")", StandardRequests.setAddress(address)))
                .thenCompose(v -> delay(SET_ADDRESS_RECOVERY_PS))
                .thenCompose(v -> read("GET_DESCRIPTOR(DEVICE, 18)",
                        StandardRequests.getDescriptor(StandardRequests.DEVICE, 0, 0, DeviceDescriptor.LENGTH)))
                .thenCompose(raw -> {
                    s.deviceRaw = raw;
                    s.device = parse("device descriptor", raw, DeviceDescriptor::parse);
                    engine.setMaxPacketSize(0, s.device.maxPacketSize0());
                    return configurations(s, 0);
                })
                .thenCompose(v -> strings(s))
                .thenApply(v -> {
                    applyEndpointSizes(s.configurations);
                    return new EnumeratedDevice(address, s.device, s.deviceRaw, s.configurations, s.langIds,
                            s.strings);
                })
                .whenComplete((device, failure) -> {
                    if (failure == null) {
                        out.complete(device);
                    } else {
                        out.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure);
                    }
                });
        return out;
    }

    private CompletableFuture<Void> configurations(State s, int index) {
        if (index >= s.device.numConfigurations()) {
            return CompletableFuture.completedFuture(null);
        }
        String what = "GET_DESCRIPTOR(CONFIGURATION " + index + ")";
        return read(what, StandardRequests.getDescriptor(StandardRequests.CONFIGURATION, index, 0,
                ConfigurationDescriptor.LENGTH))
                .thenApply(header -> parse(what, header, ConfigurationDescriptor::totalLength))
                .thenCompose(total -> read(what, StandardRequests.getDescriptor(StandardRequests.CONFIGURATION, index,
                        0, total)))
                .thenCompose(full -> {
                    s.configurations.add(parse(what, full, ConfigurationDescriptor::parse));
                    return configurations(s, index + 1);
                });
    }

    /** String 0, then each index the descriptors name; a device without strings stalls string 0. */
    private CompletableFuture<Void> strings(State s) {
        return engine.control(StandardRequests.getDescriptor(StandardRequests.STRING, 0, 0, STRING_READ), null)
                .result()
                .thenCompose(r -> {
                    if (r.status() == TransferResult.Status.STALL) {
                        return CompletableFuture.completedFuture(null);
                    }
                    if (!r.isOk()) {
                        throw new UsbEnumerationException("GET_DESCRIPTOR(STRING 0)", r);
                    }
                    s.langIds.addAll(parse("LANGID list", r.data(), StringDescriptor::parseLangIds));
                    if (s.langIds.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return string(s, List.copyOf(indices(s)), 0);
                });
    }

    private CompletableFuture<Void> string(State s, List<Integer> indices, int i) {
        if (i >= indices.size()) {
            return CompletableFuture.completedFuture(null);
        }
        int index = indices.get(i);
        int langId = s.langIds.getFirst();
        String what = "GET_DESCRIPTOR(STRING " + index + ")";
        return engine.control(StandardRequests.getDescriptor(StandardRequests.STRING, index, langId, STRING_READ), null)
                .result()
                .thenCompose(r -> {
                    if (r.isOk()) {
                        s.strings.add(new StringDescriptor(index, langId, parse(what, r.data(),
                                StringDescriptor::parseText)));
                    } else if (r.status() != TransferResult.Status.STALL) {
                        throw new UsbEnumerationException(what, r);
                    }
                    return string(s, indices, i + 1);
                });
    }

    private static Set<Integer> indices(State s) {
        Set<Integer> out = new LinkedHashSet<>();
        out.add(s.device.manufacturerIndex());
        out.add(s.device.productIndex());
        out.add(s.device.serialNumberIndex());
        for (ConfigurationDescriptor c : s.configurations) {
            out.add(c.configurationIndex());
            for (InterfaceDescriptor i : c.interfaces()) {
                out.add(i.interfaceIndex());
            }
        }
        out.remove(0);
        return out;
    }

    private void applyEndpointSizes(List<ConfigurationDescriptor> configurations) {
        if (configurations.isEmpty()) {
            return;
        }
        for (InterfaceDescriptor i : configurations.getFirst().interfaces()) {
            if (i.alternateSetting() == 0) {
                for (EndpointDescriptor e : i.endpoints()) {
                    if (e.packetSize() > 0) {
                        engine.setMaxPacketSize(e.address(), e.packetSize());
                    }
                }
            }
        }
    }

    /** A control transfer that must succeed; its IN data. */
    private CompletableFuture<byte[]> read(String what, SetupPacket setup) {
        return engine.control(setup, setup.isIn() ? null : new byte[0]).result().thenApply(r -> {
            if (!r.isOk()) {
                throw new UsbEnumerationException(what, r);
            }
            return r.data();
        });
    }

    private CompletableFuture<Void> reset() {
        engine.busReset();
        return delay(RESET_RECOVERY_PS);
    }

    private CompletableFuture<Void> delay(long ps) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        scheduler.after(ps, () -> f.complete(null));
        return f;
    }

    private static <T> T parse(String what, byte[] data, Function<byte[], T> parser) {
        try {
            return parser.apply(data);
        } catch (IllegalArgumentException e) {
            throw new UsbEnumerationException(what, e);
        }
    }

    /** What has been read so far. */
    private static final class State {
        DeviceDescriptor device;
        byte[] deviceRaw;
        final List<ConfigurationDescriptor> configurations = new ArrayList<>();
        final List<Integer> langIds = new ArrayList<>();
        final List<StringDescriptor> strings = new ArrayList<>();
    }
}
