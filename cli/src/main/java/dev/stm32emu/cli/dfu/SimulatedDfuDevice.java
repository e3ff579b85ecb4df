package dev.stm32emu.cli.dfu;

import dev.stm32emu.core.usb.SetupPacket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A DFU device without an emulator: a {@link DfuStateMachine} behind USB descriptors shaped like
 * ST's STM32F4 ROM bootloader (facts-usb §3.9: 0483:df11, bMaxPacketSize0 64, one interface with
 * one alternate setting per memory, iInterface = the memory's layout string, the DFU functional
 * descriptor after the last alternate setting), wired as a {@link DfuTransport}. For tests and
 * Java-only demos.
 *
 * <p>Time is virtual: {@link #sleep(long)} only advances {@link #nowMillis()}, which the state
 * machine uses to check that the host waited bwPollTimeout. Device and configuration descriptors
 * are served from a cache without appearing in {@link #log()}, like the Linux kernel's copy that
 * dfu-util reads; everything else is logged.
 */
public final class SimulatedDfuDevice implements DfuTransport {

    /** Intercepts a request before the device sees it; returns null to let it through. */
    @FunctionalInterface
    public interface Interceptor {
        ControlResult intercept(SetupPacket setup, byte[] out, SimulatedDfuDevice device);
    }

    /**
     * One logged transfer.
     *
     * @param out the OUT data stage (empty for IN requests)
     */
    public record Exchange(long atMillis, SetupPacket setup, byte[] out, ControlResult result) {
        public Exchange {
            out = out.clone();
        }

        @Override
        public byte[] out() {
            return out.clone();
        }

        /** The histogram bucket of the request ("DNLOAD", "GETSTATUS", "SET_INTERFACE", ...). */
        public String name() {
            return MeteredTransport.nameOf(setup);
        }
    }

    private final DfuStateMachine machine;
    private final List<Exchange> log = new ArrayList<>();
    private int idVendor = 0x0483;
    private int idProduct = 0xDF11;
    private int bcdDevice = 0x2200;
    private int maxPacketSize0 = 64;
    private int interfaceProtocol = 2;
    private String serial = "stm32emu-0001";
    private boolean reenumerateOnReset;
    private boolean unplugged;
    private Interceptor interceptor = (s, o, d) -> null;
    private long now;

    public SimulatedDfuDevice(DfuStateMachine machine) {
        this.machine = machine;
    }

    /** A DfuSe device with wTransferSize 2048 over the given memories (alternate settings 0, 1, ...). */
    public static SimulatedDfuDevice dfuse(DfuMemory... memories) {
        return new SimulatedDfuDevice(new DfuStateMachine(DfuDeviceConfig.dfuse(2048), List.of(memories)));
    }

    public DfuStateMachine machine() {
        return machine;
    }

    /** Changes the device IDs. */
    public SimulatedDfuDevice ids(int vendor, int product, int device) {
        idVendor = vendor;
        idProduct = product;
        bcdDevice = device;
        return this;
    }

    public SimulatedDfuDevice maxPacketSize0(int size) {
        maxPacketSize0 = size;
        return this;
    }

    /** bInterfaceProtocol of every alternate setting: 2 DFU mode, 1 run-time, 0 as some ST parts. */
    public SimulatedDfuDevice interfaceProtocol(int protocol) {
        interfaceProtocol = protocol;
        return this;
    }

    /** The serial number string, or null for none (iSerialNumber 0). */
    public SimulatedDfuDevice serial(String s) {
        serial = s;
        return this;
    }

    /** A reset makes the device come back as another device: resetDevice reports DISCONNECTED. */
    public SimulatedDfuDevice reenumerateOnReset(boolean b) {
        reenumerateOnReset = b;
        return this;
    }

    public SimulatedDfuDevice interceptor(Interceptor i) {
        interceptor = i;
        return this;
    }

    /** From now on every request fails with DISCONNECTED. */
    public void unplug() {
        unplugged = true;
    }

    /** Virtual time in milliseconds since the device was created. */
    public long nowMillis() {
        return now;
    }

    /** Every request the device saw, in order. */
    public List<Exchange> log() {
        return List.copyOf(log);
    }

    public void clearLog() {
        log.clear();
    }

    @Override
    public ControlResult controlIn(SetupPacket setup) {
        return logged(setup, new byte[0], exchange(setup, new byte[0]));
    }

    @Override
    public ControlResult controlOut(SetupPacket setup, byte[] data) {
        if (data.length != setup.length()) {
            throw new IllegalArgumentException("OUT data " + data.length + " bytes, wLength " + setup.length());
        }
        return logged(setup, data, exchange(setup, data));
    }

    @Override
    public ControlResult resetDevice() {
        if (gone()) {
            return ControlResult.failed(TransferStatus.DISCONNECTED);
        }
        machine.usbReset();
        return reenumerateOnReset ? ControlResult.failed(TransferStatus.DISCONNECTED) : ControlResult.out(0);
    }

    @Override
    public void sleep(long millis) {
        now += Math.max(0, millis);
    }

    @Override
    public ControlResult deviceDescriptor() {
        return gone() ? ControlResult.failed(TransferStatus.DISCONNECTED) : ControlResult.in(deviceDescriptorBytes());
    }

    @Override
    public ControlResult configurationDescriptor(int index) {
        if (gone()) {
            return ControlResult.failed(TransferStatus.DISCONNECTED);
        }
        return index == 0 ? ControlResult.in(configurationDescriptorBytes()) : ControlResult.failed(TransferStatus.STALL);
    }

    /** The functional descriptor this device announces. */
    public DfuFunctionalDescriptor functionalDescriptor() {
        DfuDeviceConfig c = machine.config();
        return new DfuFunctionalDescriptor(DfuFunctionalDescriptor.LENGTH, c.attributes(), 255, c.transferSize(),
                c.dfuse() ? DfuFunctionalDescriptor.DFUSE_VERSION : 0x0110);
    }

    private ControlResult exchange(SetupPacket setup, byte[] out) {
        if (gone()) {
            return ControlResult.failed(TransferStatus.DISCONNECTED);
        }
        ControlResult r = interceptor.intercept(setup, out, this);
        if (r != null) {
            return r;
        }
        if ((setup.requestType() & 0x60) == 0) {
            return standard(setup);
        }
        DfuStateMachine.Response resp = machine.handle(setup, out, now);
        return switch (resp.outcome()) {
            case STALL -> ControlResult.failed(TransferStatus.STALL);
            case NO_ANSWER -> {
                now += CONTROL_TIMEOUT_MILLIS;
                yield ControlResult.failed(machine.hasLeft() ? TransferStatus.DISCONNECTED : TransferStatus.TIMEOUT);
            }
            case ACK -> setup.isIn() ? ControlResult.in(truncate(resp.data(), setup.length())) : ControlResult.out(out.length);
        };
    }

    /** Standard requests (USB 2.0 §9.4): descriptors, SET_INTERFACE, GET_STATUS. */
    private ControlResult standard(SetupPacket s) {
        if (s.request() == GET_DESCRIPTOR && s.requestType() == 0x80) {
            byte[] d = descriptor(s.value() >> 8, s.value() & 0xFF);
            return d == null ? ControlResult.failed(TransferStatus.STALL) : ControlResult.in(truncate(d, s.length()));
        }
        if (s.request() == DfuRequest.SET_INTERFACE && s.requestType() == 0x01 && s.index() == machine.config().interfaceNumber()) {
            return machine.selectAlternate(s.value()) ? ControlResult.out(0) : ControlResult.failed(TransferStatus.STALL);
        }
        if (s.request() == 0x00 && s.requestType() == 0x80) {
            return ControlResult.in(truncate(new byte[]{1, 0}, s.length()));
        }
        return ControlResult.failed(TransferStatus.STALL);
    }

    private byte[] descriptor(int type, int index) {
        return switch (type) {
            case DT_DEVICE -> deviceDescriptorBytes();
            case DT_CONFIGURATION -> index == 0 ? configurationDescriptorBytes() : null;
            case DT_STRING -> string(index);
            default -> null;
        };
    }

    private byte[] string(int index) {
        List<DfuMemory> mems = machine.memories();
        String s;
        if (index == 0) {
            return new byte[]{4, DT_STRING, 0x09, 0x04};
        } else if (index == 1) {
            s = "STMicroelectronics";
        } else if (index == 2) {
            s = machine.config().dfuse() ? "STM32  BOOTLOADER" : "stm32emu DFU";
        } else if (index == 3 && serial != null) {
            s = serial;
        } else if (index >= 4 && index < 4 + mems.size()) {
            s = mems.get(index - 4).layout();
        } else {
            return null;
        }
        byte[] utf16 = s.getBytes(StandardCharsets.UTF_16LE);
        byte[] d = new byte[Math.min(255, 2 + utf16.length) & ~1];
        d[0] = (byte) d.length;
        d[1] = DT_STRING;
        System.arraycopy(utf16, 0, d, 2, d.length - 2);
        return d;
    }

    private byte[] deviceDescriptorBytes() {
        return new DeviceDescriptor(0x0100, 0, 0, 0, maxPacketSize0, idVendor, idProduct, bcdDevice, 1, 2,
                serial == null ? 0 : 3, 1).toBytes();
    }

    private byte[] configurationDescriptorBytes() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int alts = machine.memories().size();
        int intf = machine.config().interfaceNumber();
        b.writeBytes(new byte[]{9, DT_CONFIGURATION, 0, 0, 1, 1, 0, (byte) 0xC0, 0x32});
        for (int alt = 0; alt < alts; alt++) {
            b.writeBytes(new byte[]{9, ConfigurationDescriptor.DT_INTERFACE, (byte) intf, (byte) alt, 0, (byte) 0xFE, 1,
                    (byte) interfaceProtocol, (byte) (4 + alt)});
        }
        b.writeBytes(functionalDescriptor().toBytes());
        byte[] d = b.toByteArray();
        d[2] = (byte) d.length;
        d[3] = (byte) (d.length >> 8);
        return d;
    }

    private boolean gone() {
        return unplugged || machine.hasLeft();
    }

    private ControlResult logged(SetupPacket setup, byte[] out, ControlResult r) {
        log.add(new Exchange(now, setup, out, r));
        return r;
    }

    private static byte[] truncate(byte[] d, int max) {
        return d.length <= max ? d : Arrays.copyOf(d, max);
    }
}
