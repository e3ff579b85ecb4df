package dev.stm32emu.cli.dfu;

import dev.stm32emu.core.usb.SetupPacket;

/**
 * The USB device as the DFU host sees it: control transfers on endpoint 0, a device reset,
 * and a clock to wait on. The host sends nothing else, so the same host code runs against
 * the emulator's in-process transfer engine, a USB/IP client connection, or the
 * {@link SimulatedDfuDevice} used by tests.
 *
 * <p><b>Time.</b> Every wait the host makes (bwPollTimeout after GETSTATUS, dfu-util's fixed
 * 1 s manifestation pause) goes through {@link #sleep(long)}, never {@code Thread.sleep}. An
 * in-process transport advances the emulated machine's virtual clock by that much (the
 * firmware runs meanwhile and its flash BSY time elapses), so a flash session costs no wall
 * time and is deterministic; a transport to a real or remote device sleeps in wall time. The
 * control timeout of {@link #CONTROL_TIMEOUT_MILLIS} is measured in the same time base.
 *
 * <p>Implementations are not required to be thread-safe; the host calls them from one thread.
 */
public interface DfuTransport {

    /** dfu-util's timeout for every control transfer (dfu.c {@code dfu_timeout}, dfuse.c {@code DFU_TIMEOUT}). */
    int CONTROL_TIMEOUT_MILLIS = 5000;

    /** bRequest GET_DESCRIPTOR (USB 2.0 §9.4.3). */
    int GET_DESCRIPTOR = 0x06;
    /** Descriptor types (USB 2.0 Table 9-5). */
    int DT_DEVICE = 1;
    int DT_CONFIGURATION = 2;
    int DT_STRING = 3;

    /**
     * A control transfer with an IN data stage (bmRequestType bit 7 set). The result carries
     * at most {@code setup.length()} bytes; fewer is a short transfer, not an error.
     */
    ControlResult controlIn(SetupPacket setup);

    /**
     * A control transfer with an OUT data stage of {@code data} (empty when wLength is 0).
     * {@code data.length} must equal {@code setup.length()}.
     */
    ControlResult controlOut(SetupPacket setup, byte[] data);

    /**
     * USB reset of the device and re-enumeration (libusb_reset_device). {@link TransferStatus#DISCONNECTED}
     * when the device came back as a different device or not at all (libusb LIBUSB_ERROR_NOT_FOUND).
     */
    ControlResult resetDevice();

    /** Waits {@code millis} in the transport's time base (see the class comment). */
    void sleep(long millis);

    /**
     * The 18-byte device descriptor. The default asks the device (GET_DESCRIPTOR); a transport
     * that has it cached, as the Linux kernel has for dfu-util, overrides this so that no bus
     * traffic results, exactly as with dfu-util.
     */
    default ControlResult deviceDescriptor() {
        return getDescriptor(DT_DEVICE, 0, 0, 18);
    }

    /**
     * The whole configuration descriptor set of configuration {@code index} (interfaces, alternate
     * settings, class descriptors). The default reads the 9-byte header, then wTotalLength bytes;
     * transports with a cache override it (see {@link #deviceDescriptor()}).
     */
    default ControlResult configurationDescriptor(int index) {
        ControlResult head = getDescriptor(DT_CONFIGURATION, index, 0, 9);
        if (!head.ok() || head.length() < 4) {
            return head;
        }
        byte[] h = head.data();
        int total = (h[2] & 0xFF) | (h[3] & 0xFF) << 8;
        return getDescriptor(DT_CONFIGURATION, index, 0, total);
    }

    /** GET_DESCRIPTOR {@code 80 06 (type,index) langId length} (USB 2.0 §9.4.3). */
    default ControlResult getDescriptor(int type, int index, int langId, int length) {
        return controlIn(new SetupPacket(0x80, GET_DESCRIPTOR, type << 8 | index, langId, length));
    }
}
