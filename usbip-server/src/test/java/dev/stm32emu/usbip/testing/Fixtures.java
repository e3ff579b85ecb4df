package dev.stm32emu.usbip.testing;

import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.message.UsbInterfaceInfo;
import dev.stm32emu.usbip.message.UsbSpeed;

import java.util.List;

import static dev.stm32emu.usbip.testing.WireBytes.bytes;
import static dev.stm32emu.usbip.testing.WireBytes.padded;

/** Devices used across the tests, with their golden wire records. */
public final class Fixtures {
    /** An STM32 DFU device: 0483:df11, full speed, one DFU interface (class 0xfe, subclass 1, protocol 2). */
    public static final UsbDeviceInfo DFU = new UsbDeviceInfo("/stm32emu/f103/usb", "1-1", 1, 2, UsbSpeed.FULL,
            0x0483, 0xdf11, 0x2200, 0, 0, 0, 1, 1, List.of(new UsbInterfaceInfo(0xfe, 0x01, 0x02)));

    /** A second device with two interfaces (CDC ACM). */
    public static final UsbDeviceInfo CDC = new UsbDeviceInfo("/stm32emu/f407/otg", "2-1", 2, 5, UsbSpeed.FULL,
            0x0483, 0x5740, 0x0100, 0xef, 0x02, 0x01, 1, 1,
            List.of(new UsbInterfaceInfo(0x02, 0x02, 0x01), new UsbInterfaceInfo(0x0a, 0x00, 0x00)));

    private Fixtures() {
    }

    /** @return the 312-byte record of {@link #DFU} (facts-usb.md §1.3) */
    public static byte[] dfuRecord() {
        return bytes(
                padded("/stm32emu/f103/usb", 256), // 0x000 path, NUL-padded
                padded("1-1", 32),                 // 0x100 busid, NUL-padded
                "00000001",                        // 0x120 busnum
                "00000002",                        // 0x124 devnum
                "00000002",                        // 0x128 speed FULL
                "0483",                            // 0x12C idVendor, big-endian
                "df11",                            // 0x12E idProduct
                "2200",                            // 0x130 bcdDevice
                "00",                              // 0x132 bDeviceClass
                "00",                              // 0x133 bDeviceSubClass
                "00",                              // 0x134 bDeviceProtocol
                "01",                              // 0x135 bConfigurationValue
                "01",                              // 0x136 bNumConfigurations
                "01");                             // 0x137 bNumInterfaces
    }

    /** @return the interface records DEVLIST sends after {@link #dfuRecord()} */
    public static byte[] dfuInterfaces() {
        return bytes("fe 01 02 00");               // class, subclass, protocol, padding
    }

    /** @return the 312-byte record of {@link #CDC} */
    public static byte[] cdcRecord() {
        return bytes(
                padded("/stm32emu/f407/otg", 256), // 0x000 path
                padded("2-1", 32),                 // 0x100 busid
                "00000002",                        // 0x120 busnum
                "00000005",                        // 0x124 devnum
                "00000002",                        // 0x128 speed FULL
                "0483",                            // 0x12C idVendor
                "5740",                            // 0x12E idProduct
                "0100",                            // 0x130 bcdDevice
                "ef",                              // 0x132 bDeviceClass (miscellaneous)
                "02",                              // 0x133 bDeviceSubClass
                "01",                              // 0x134 bDeviceProtocol (IAD)
                "01",                              // 0x135 bConfigurationValue
                "01",                              // 0x136 bNumConfigurations
                "02");                             // 0x137 bNumInterfaces
    }

    /** @return the interface records DEVLIST sends after {@link #cdcRecord()} */
    public static byte[] cdcInterfaces() {
        return bytes(
                "02 02 01 00",                     // CDC communication, ACM, AT commands
                "0a 00 00 00");                    // CDC data
    }
}
