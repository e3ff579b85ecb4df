package dev.stm32emu.cli.dfu;

/**
 * The standard device descriptor (USB 2.0 §9.6.1, Table 9-8), the fields the DFU host uses.
 */
public record DeviceDescriptor(int bcdUsb, int deviceClass, int deviceSubClass, int deviceProtocol,
                               int maxPacketSize0, int idVendor, int idProduct, int bcdDevice,
                               int iManufacturer, int iProduct, int iSerialNumber, int numConfigurations) {

    /** bLength of a device descriptor. */
    public static final int LENGTH = 18;

    /** Decodes the 18 bytes; anything shorter or of another type is a device error. */
    public static DeviceDescriptor parse(byte[] d) throws DfuException {
        if (d.length < LENGTH || (d[0] & 0xFF) < LENGTH || d[1] != DfuTransport.DT_DEVICE) {
            throw new DfuException("malformed device descriptor (" + d.length + " bytes)");
        }
        return new DeviceDescriptor(u16(d, 2), d[4] & 0xFF, d[5] & 0xFF, d[6] & 0xFF, d[7] & 0xFF,
                u16(d, 8), u16(d, 10), u16(d, 12), d[14] & 0xFF, d[15] & 0xFF, d[16] & 0xFF, d[17] & 0xFF);
    }

    /** The descriptor bytes. */
    public byte[] toBytes() {
        return new byte[]{LENGTH, DfuTransport.DT_DEVICE, (byte) bcdUsb, (byte) (bcdUsb >> 8),
                (byte) deviceClass, (byte) deviceSubClass, (byte) deviceProtocol, (byte) maxPacketSize0,
                (byte) idVendor, (byte) (idVendor >> 8), (byte) idProduct, (byte) (idProduct >> 8),
                (byte) bcdDevice, (byte) (bcdDevice >> 8), (byte) iManufacturer, (byte) iProduct,
                (byte) iSerialNumber, (byte) numConfigurations};
    }

    static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }
}
