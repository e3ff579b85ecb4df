package dev.stm32emu.core.usb;

/**
 * The standard device descriptor (USB 2.0 §9.6.1, Table 9-8). BCD fields are kept as
 * their raw 16-bit values (0x0200 = USB 2.0).
 */
public record DeviceDescriptor(int usbVersion, int deviceClass, int deviceSubClass, int deviceProtocol,
                               int maxPacketSize0, int vendorId, int productId, int deviceVersion,
                               int manufacturerIndex, int productIndex, int serialNumberIndex,
                               int numConfigurations) {
    /** bLength of a device descriptor. */
    public static final int LENGTH = 18;

    /** Parses the 18 bytes a GET_DESCRIPTOR(DEVICE) returned. */
    public static DeviceDescriptor parse(byte[] b) {
        if (b.length < LENGTH || (b[0] & 0xFF) < LENGTH || b[1] != StandardRequests.DEVICE) {
            throw new IllegalArgumentException("not an 18-byte device descriptor: " + Descriptors.hex(b));
        }
        return new DeviceDescriptor(Descriptors.u16(b, 2), b[4] & 0xFF, b[5] & 0xFF, b[6] & 0xFF, b[7] & 0xFF,
                Descriptors.u16(b, 8), Descriptors.u16(b, 10), Descriptors.u16(b, 12), b[14] & 0xFF, b[15] & 0xFF,
                b[16] & 0xFF, b[17] & 0xFF);
    }

    /**
     * bMaxPacketSize0 from the first 8 bytes of a device descriptor, which is all a host
     * needs before it knows the real size; must be 8, 16, 32 or 64 (USB 2.0 §9.6.1).
     */
    public static int maxPacketSize0(byte[] firstBytes) {
        if (firstBytes.length < 8 || firstBytes[1] != StandardRequests.DEVICE) {
            throw new IllegalArgumentException("not the start of a device descriptor: " + Descriptors.hex(firstBytes));
        }
        int mps = firstBytes[7] & 0xFF;
        if (mps != 8 && mps != 16 && mps != 32 && mps != 64) {
            throw new IllegalArgumentException("bMaxPacketSize0 " + mps + " is not 8, 16, 32 or 64");
        }
        return mps;
    }
}
