package dev.stm32emu.usbip.message;

import java.util.Optional;

/**
 * The {@code speed} field of a device record: the kernel's {@code enum usb_device_speed}
 * (facts-usb.md §1.3). The Linux vhci accepts only LOW, FULL, HIGH and WIRELESS on its USB 2 hub
 * and SUPER on its USB 3 hub; UNKNOWN is rejected (§1.5). An STM32 full-speed device is FULL.
 */
public enum UsbSpeed {
    /** {@code USB_SPEED_UNKNOWN}: rejected by vhci. */
    UNKNOWN(0),
    /** {@code USB_SPEED_LOW}: 1.5 Mbit/s. */
    LOW(1),
    /** {@code USB_SPEED_FULL}: 12 Mbit/s. */
    FULL(2),
    /** {@code USB_SPEED_HIGH}: 480 Mbit/s. */
    HIGH(3),
    /** {@code USB_SPEED_WIRELESS}. */
    WIRELESS(4),
    /** {@code USB_SPEED_SUPER}: 5 Gbit/s, goes to vhci's USB 3 root hub. */
    SUPER(5),
    /** {@code USB_SPEED_SUPER_PLUS}. */
    SUPER_PLUS(6);

    private final int code;

    UsbSpeed(int code) {
        this.code = code;
    }

    /** @return the 32-bit wire value */
    public int code() {
        return code;
    }

    /**
     * @param code a 32-bit wire value
     * @return the speed with that value, or empty if the kernel defines none
     */
    public static Optional<UsbSpeed> find(int code) {
        for (UsbSpeed s : values()) {
            if (s.code == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
