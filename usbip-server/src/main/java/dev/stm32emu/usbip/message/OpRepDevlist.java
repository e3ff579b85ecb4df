package dev.stm32emu.usbip.message;

import java.util.List;

/**
 * {@code OP_REP_DEVLIST} (facts-usb.md §1.4): {@code op_common} (code 0x0005), then, when the
 * status is 0, a u32 device count and for each device its 312-byte record followed by exactly
 * {@code bNumInterfaces} 4-byte interface records. A non-zero status ends the message after the
 * header.
 *
 * @param status  {@link OpStatus} code; usbipd always sends 0
 * @param devices the exported devices; must be empty when the status is not 0
 */
public record OpRepDevlist(int status, List<UsbDeviceInfo> devices) implements UsbIpMessage {
    /** Copies the device list and checks that a failed reply lists nothing. */
    public OpRepDevlist {
        devices = List.copyOf(devices);
        if (status != OpStatus.OK.code() && !devices.isEmpty()) {
            throw new IllegalArgumentException("a failed DEVLIST reply carries no devices");
        }
    }

    /**
     * @param devices the exported devices
     * @return a successful reply
     */
    public static OpRepDevlist of(List<UsbDeviceInfo> devices) {
        return new OpRepDevlist(OpStatus.OK.code(), devices);
    }
}
