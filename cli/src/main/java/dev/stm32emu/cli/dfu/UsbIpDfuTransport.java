package dev.stm32emu.cli.dfu;

import dev.stm32emu.core.usb.SetupPacket;
import dev.stm32emu.usbip.client.ImportedDevice;
import dev.stm32emu.usbip.client.PendingUrb;
import dev.stm32emu.usbip.client.UrbRequest;
import dev.stm32emu.usbip.server.UrbResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The DFU host talking to a device imported over USB/IP: every control transfer is a URB on
 * endpoint 0 of an {@link ImportedDevice}, so the host takes the same path as a remote Linux
 * machine running dfu-util through vhci-hcd.
 *
 * <p>The device is a separate, free-running machine: waits are wall-clock sleeps, and a control
 * transfer that has no answer within {@link #CONTROL_TIMEOUT_MILLIS} of wall time is unlinked
 * (CMD_UNLINK) and reported as a timeout, as libusb does through vhci (facts-usb.md §2.4).
 *
 * <p>What the Linux kernel does on its own is done here too (facts-usb.md §2.3): on
 * {@link #open} the device is enumerated as {@code hub_port_init} does after {@code usbip
 * attach} (GET_DESCRIPTOR(DEVICE, 64), which a server takes as the re-enumeration signal,
 * then the device, configuration and string descriptors) and configured with
 * SET_CONFIGURATION. The descriptors are cached, as the kernel caches them for libusb, so
 * {@link #deviceDescriptor()} and {@link #configurationDescriptor(int)} cause no traffic.
 *
 * <p>URB status (a negative Linux errno, facts-usb.md §1.6) maps to {@link TransferStatus}:
 * -EPIPE is a STALL; -ETIMEDOUT and -ETIME a timeout; -ECONNRESET, -ESHUTDOWN, -ENODEV and a
 * closed connection mean the device is gone; anything else is an error.
 *
 * <p>Not thread-safe: the host calls it from one thread.
 */
public final class UsbIpDfuTransport implements DfuTransport, AutoCloseable {

    /** How {@link #resetDevice()} tells the server that the host reset the port. */
    public enum ResetSignal {
        /**
         * As the Linux kernel (usb_reset_device through vhci, facts-usb.md §2.6): the port reset
         * itself stays local, the server only sees GET_DESCRIPTOR(DEVICE, 64) and takes it as the
         * re-enumeration signal.
         */
        REENUMERATE,
        /**
         * The usbip-host "reset device" request, bmRequestType 0x23 SET_FEATURE(PORT_RESET),
         * which Windows clients send and the stub executes (facts-usb.md §2.7).
         */
        PORT_RESET_REQUEST
    }

    /** Linux's GET_DESCRIPTOR_BUFSIZE: the first device descriptor read of hub_port_init. */
    static final int ENUMERATION_READ = 64;
    /** How long the unlink of a timed-out URB may take before the URB is abandoned. */
    private static final long UNLINK_WAIT_MILLIS = 1000;
    private static final int SET_CONFIGURATION = 9;

    private final ImportedDevice device;
    private final ResetSignal resetSignal;
    private byte[] deviceDescriptor;
    private List<byte[]> configurations = List.of();
    private int configurationValue;

    private UsbIpDfuTransport(ImportedDevice device, ResetSignal resetSignal) {
        this.device = device;
        this.resetSignal = resetSignal;
    }

    /**
     * Enumerates and configures an imported device as the kernel does after {@code usbip attach},
     * and returns a transport over it. The transport owns the device: {@link #close()} closes it.
     */
    public static UsbIpDfuTransport open(ImportedDevice device) throws DfuTransferException {
        return open(device, ResetSignal.REENUMERATE);
    }

    /** As {@link #open(ImportedDevice)}, with the given way of signalling device resets. */
    public static UsbIpDfuTransport open(ImportedDevice device, ResetSignal resetSignal) throws DfuTransferException {
        UsbIpDfuTransport t = new UsbIpDfuTransport(device, resetSignal);
        boolean ok = false;
        try {
            t.enumerate(true);
            ok = true;
            return t;
        } finally {
            if (!ok) {
                device.close();
            }
        }
    }

    /** The imported device (its connection tells when the server closed it). */
    public ImportedDevice device() {
        return device;
    }

    @Override
    public ControlResult controlIn(SetupPacket setup) {
        return control(setup, new byte[0]);
    }

    @Override
    public ControlResult controlOut(SetupPacket setup, byte[] data) {
        if (data.length != setup.length()) {
            throw new IllegalArgumentException("OUT data of " + data.length + " bytes for wLength " + setup.length());
        }
        return control(setup, data);
    }

    /**
     * libusb_reset_device through vhci: the reset signal (see {@link ResetSignal}), then the
     * kernel's check that the device is still the same (device and configuration descriptors
     * compared with the cached ones) and the restored configuration. A device that changed is
     * enumerated again and reported {@link TransferStatus#DISCONNECTED}, as libusb reports
     * LIBUSB_ERROR_NOT_FOUND for it.
     */
    @Override
    public ControlResult resetDevice() {
        try {
            byte[] oldDevice = deviceDescriptor;
            List<byte[]> oldConfigurations = configurations;
            int oldConfiguration = configurationValue;
            if (resetSignal == ResetSignal.PORT_RESET_REQUEST) {
                require(control(new SetupPacket(0x23, 3, 4, 0, 0), new byte[0]), "reset device request");
            }
            enumerate(resetSignal == ResetSignal.REENUMERATE);
            boolean same = Arrays.equals(oldDevice, deviceDescriptor)
                    && oldConfigurations.size() == configurations.size();
            for (int i = 0; same && i < configurations.size(); i++) {
                same = Arrays.equals(oldConfigurations.get(i), configurations.get(i));
            }
            if (!same) {
                return ControlResult.failed(TransferStatus.DISCONNECTED);
            }
            if (oldConfiguration != configurationValue) {
                require(control(new SetupPacket(0x00, SET_CONFIGURATION, oldConfiguration, 0, 0), new byte[0]),
                        "SET_CONFIGURATION");
                configurationValue = oldConfiguration;
            }
            return ControlResult.out(0);
        } catch (DfuTransferException e) {
            return ControlResult.failed(TransferStatus.DISCONNECTED);
        }
    }

    /** Sleeps in wall time: the device runs on its own and does not wait for this host. */
    @Override
    public void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting " + millis + " ms", e);
        }
    }

    @Override
    public ControlResult deviceDescriptor() {
        return ControlResult.in(deviceDescriptor);
    }

    @Override
    public ControlResult configurationDescriptor(int index) {
        if (index < 0 || index >= configurations.size()) {
            return ControlResult.failed(TransferStatus.STALL);
        }
        return ControlResult.in(configurations.get(index));
    }

    /** Closes the connection; the server sees the device released. */
    @Override
    public void close() {
        device.close();
    }

    /** Maps a RET_SUBMIT status (0 or a negative Linux errno) to how libusb would report it. */
    static TransferStatus statusOf(int errno) {
        return switch (errno) {
            case 0 -> TransferStatus.OK;
            case UrbResult.EPIPE -> TransferStatus.STALL;
            case UrbResult.ETIMEDOUT, UrbResult.ETIME -> TransferStatus.TIMEOUT;
            case UrbResult.ECONNRESET, UrbResult.ESHUTDOWN, UrbResult.ENODEV -> TransferStatus.DISCONNECTED;
            default -> TransferStatus.ERROR;
        };
    }

    private ControlResult control(SetupPacket setup, byte[] data) {
        UrbRequest request = UrbRequest.control(setup.requestType(), setup.request(), setup.value(), setup.index(),
                setup.length(), setup.isIn() ? new byte[0] : data);
        PendingUrb urb = device.submit(request);
        UrbResult r;
        try {
            r = urb.get(CONTROL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            unlink(urb);
            return ControlResult.failed(TransferStatus.TIMEOUT);
        } catch (ExecutionException e) {
            return ControlResult.failed(TransferStatus.DISCONNECTED); // the connection ended (UsbIpException)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unlink(urb);
            return ControlResult.failed(TransferStatus.ERROR);
        }
        TransferStatus status = statusOf(r.status());
        if (status != TransferStatus.OK) {
            return ControlResult.failed(status);
        }
        return setup.isIn() && setup.length() > 0 ? ControlResult.in(r.data()) : ControlResult.out(r.actualLength());
    }

    /** As libusb on a timeout: unlink the URB and wait briefly for the server to give it back. */
    private void unlink(PendingUrb urb) {
        try {
            device.unlink(urb.seqnum()).toCompletableFuture().get(UNLINK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the connection is going or gone; the URB is abandoned either way
        }
    }

    /**
     * hub_port_init and usb_new_device (facts-usb.md §2.3): [GET_DESCRIPTOR(DEVICE, 64),]
     * GET_DESCRIPTOR(DEVICE, 18), each configuration (9 bytes, then wTotalLength), string 0
     * and the product, manufacturer and serial strings, then SET_CONFIGURATION of the first
     * configuration (usb_choose_configuration).
     */
    private void enumerate(boolean signal) throws DfuTransferException {
        if (signal) {
            require(getDescriptor(DT_DEVICE, 0, 0, ENUMERATION_READ), "GET_DESCRIPTOR(DEVICE, 64)");
        }
        byte[] dev = require(getDescriptor(DT_DEVICE, 0, 0, 18), "GET_DESCRIPTOR(DEVICE)").data();
        if (dev.length < 18 || dev[1] != DT_DEVICE) {
            throw new DfuTransferException("the device descriptor is malformed (" + dev.length + " bytes)");
        }
        List<byte[]> configs = new ArrayList<>();
        for (int i = 0; i < (dev[17] & 0xFF); i++) {
            byte[] head = require(getDescriptor(DT_CONFIGURATION, i, 0, 9), "GET_DESCRIPTOR(CONFIGURATION)").data();
            if (head.length < 9) {
                throw new DfuTransferException("configuration descriptor " + i + " is malformed");
            }
            int total = (head[2] & 0xFF) | (head[3] & 0xFF) << 8;
            configs.add(require(getDescriptor(DT_CONFIGURATION, i, 0, total), "GET_DESCRIPTOR(CONFIGURATION)").data());
        }
        deviceDescriptor = dev;
        configurations = List.copyOf(configs);
        readStrings(dev);
        if (!configs.isEmpty()) {
            int value = configs.get(0)[5] & 0xFF;
            require(control(new SetupPacket(0x00, SET_CONFIGURATION, value, 0, 0), new byte[0]),
                    "SET_CONFIGURATION(" + value + ")");
            configurationValue = value;
        }
    }

    /** The kernel reads these for its logs and sysfs; a device that stalls them is still usable. */
    private void readStrings(byte[] dev) {
        ControlResult langs = getDescriptor(DT_STRING, 0, 0, 255);
        if (!langs.ok() || langs.length() < 4) {
            return;
        }
        byte[] l = langs.data();
        int langId = (l[2] & 0xFF) | (l[3] & 0xFF) << 8;
        for (int index : new int[]{dev[15] & 0xFF, dev[14] & 0xFF, dev[16] & 0xFF}) {
            if (index != 0) {
                getDescriptor(DT_STRING, index, langId, 255);
            }
        }
    }

    private static ControlResult require(ControlResult r, String what) throws DfuTransferException {
        if (!r.ok()) {
            throw new DfuTransferException("USB/IP enumeration: " + what, r.status());
        }
        return r;
    }
}
