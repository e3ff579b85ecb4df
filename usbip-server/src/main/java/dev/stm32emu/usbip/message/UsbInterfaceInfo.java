package dev.stm32emu.usbip.message;

/**
 * One 4-byte {@code usbip_usb_interface} record of a DEVLIST reply (facts-usb.md §1.3): class,
 * subclass, protocol and a zero padding byte.
 *
 * @param bInterfaceClass    0..255
 * @param bInterfaceSubClass 0..255
 * @param bInterfaceProtocol 0..255
 */
public record UsbInterfaceInfo(int bInterfaceClass, int bInterfaceSubClass, int bInterfaceProtocol) {
    /** Checks that every field fits in a byte. */
    public UsbInterfaceInfo {
        UsbDeviceInfo.checkRange("bInterfaceClass", bInterfaceClass, 0xff);
        UsbDeviceInfo.checkRange("bInterfaceSubClass", bInterfaceSubClass, 0xff);
        UsbDeviceInfo.checkRange("bInterfaceProtocol", bInterfaceProtocol, 0xff);
    }
}
