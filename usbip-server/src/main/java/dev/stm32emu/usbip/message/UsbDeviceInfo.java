package dev.stm32emu.usbip.message;

import java.util.List;
import java.util.Objects;

/**
 * The 312-byte {@code usbip_usb_device} record of DEVLIST and IMPORT replies (facts-usb.md §1.3),
 * plus the interface records DEVLIST sends after it.
 *
 * <p>{@code bNumInterfaces} on the wire is {@code interfaces().size()}. An IMPORT reply carries the
 * count but no interface records (§1.5), so a device decoded from an IMPORT reply has an empty
 * interface list.
 *
 * <p>The Linux client builds the URB header's devid from busnum and devnum truncated to 8 bits
 * (§1.5), so keep both at most 255 for devices meant for Linux.
 *
 * @param path                display path, at most 255 ISO-8859-1 characters without NUL (a NUL must fit in 256 bytes)
 * @param busid               the export key, 1..31 ISO-8859-1 characters without NUL, e.g. "1-1"
 * @param busnum              bus number (u32)
 * @param devnum              device number (u32)
 * @param speed               device speed; vhci rejects {@link UsbSpeed#UNKNOWN}
 * @param idVendor            0..0xffff, sent big-endian (convert from the descriptor's LE)
 * @param idProduct           0..0xffff
 * @param bcdDevice           0..0xffff
 * @param bDeviceClass        0..255
 * @param bDeviceSubClass     0..255
 * @param bDeviceProtocol     0..255
 * @param bConfigurationValue current configuration, 0 = unconfigured
 * @param bNumConfigurations  0..255
 * @param interfaces          at most 255 interface records
 */
public record UsbDeviceInfo(String path, String busid, int busnum, int devnum, UsbSpeed speed,
                            int idVendor, int idProduct, int bcdDevice,
                            int bDeviceClass, int bDeviceSubClass, int bDeviceProtocol,
                            int bConfigurationValue, int bNumConfigurations,
                            List<UsbInterfaceInfo> interfaces) {
    /** Size of the {@code path} field on the wire, including the terminating NUL. */
    public static final int PATH_SIZE = 256;
    /** Size of the {@code busid} field on the wire ({@code SYSFS_BUS_ID_SIZE}), including the NUL. */
    public static final int BUSID_SIZE = 32;

    /** Validates every field against its wire width and copies the interface list. */
    public UsbDeviceInfo {
        Objects.requireNonNull(speed, "speed");
        checkBusid(busid);
        checkLatin1("path", path, 0, PATH_SIZE - 1);
        checkRange("idVendor", idVendor, 0xffff);
        checkRange("idProduct", idProduct, 0xffff);
        checkRange("bcdDevice", bcdDevice, 0xffff);
        checkRange("bDeviceClass", bDeviceClass, 0xff);
        checkRange("bDeviceSubClass", bDeviceSubClass, 0xff);
        checkRange("bDeviceProtocol", bDeviceProtocol, 0xff);
        checkRange("bConfigurationValue", bConfigurationValue, 0xff);
        checkRange("bNumConfigurations", bNumConfigurations, 0xff);
        interfaces = List.copyOf(interfaces);
        if (interfaces.size() > 0xff) {
            throw new IllegalArgumentException("at most 255 interfaces, got " + interfaces.size());
        }
    }

    /** @return the value of the {@code bNumInterfaces} byte: the number of interface records */
    public int bNumInterfaces() {
        return interfaces.size();
    }

    /**
     * @param newInterfaces the interface records
     * @return a copy with another interface list (e.g. none, as in an IMPORT reply)
     */
    public UsbDeviceInfo withInterfaces(List<UsbInterfaceInfo> newInterfaces) {
        return new UsbDeviceInfo(path, busid, busnum, devnum, speed, idVendor, idProduct, bcdDevice,
                bDeviceClass, bDeviceSubClass, bDeviceProtocol, bConfigurationValue,
                bNumConfigurations, newInterfaces);
    }

    /**
     * @param newBusid the bus id
     * @return a copy with another bus id
     */
    public UsbDeviceInfo withBusid(String newBusid) {
        return new UsbDeviceInfo(path, newBusid, busnum, devnum, speed, idVendor, idProduct, bcdDevice,
                bDeviceClass, bDeviceSubClass, bDeviceProtocol, bConfigurationValue,
                bNumConfigurations, interfaces);
    }

    /**
     * Checks a bus id as an export key: 1..31 characters, each in ISO-8859-1 and not NUL, so that it
     * fits the 32-byte NUL-terminated wire field and round-trips byte for byte.
     *
     * @param busid the candidate
     * @throws IllegalArgumentException if it does not fit
     */
    public static void checkBusid(String busid) {
        checkLatin1("busid", busid, 1, BUSID_SIZE - 1);
    }

    private static void checkLatin1(String name, String value, int minLength, int maxLength) {
        Objects.requireNonNull(value, name);
        if (value.length() < minLength || value.length() > maxLength) {
            throw new IllegalArgumentException(name + " must be " + minLength + ".." + maxLength
                    + " characters: \"" + value + "\"");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c > 0xff) {
                throw new IllegalArgumentException(name + " must be ISO-8859-1 without NUL: \"" + value + "\"");
            }
        }
    }

    static void checkRange(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " must be 0.." + max + ", got " + value);
        }
    }
}
