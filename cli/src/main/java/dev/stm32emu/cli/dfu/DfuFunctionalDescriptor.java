package dev.stm32emu.cli.dfu;

/**
 * The DFU functional descriptor (DFU 1.1 §4.1.3, Table 4.2; type 0x21), with dfu-util 0.11's
 * reading of short ones (dfu_util.c {@code probe_configuration}): 7 bytes means DFU 1.0 and
 * bcdDFUVersion 0x0100; fewer than 9 otherwise means version 1.0 and an unknown transfer size (0).
 *
 * @param length              bLength as the device sent it
 * @param attributes          bmAttributes
 * @param detachTimeoutMillis wDetachTimeOut
 * @param transferSize        wTransferSize, 0 when unknown
 * @param bcdDfuVersion       bcdDFUVersion; 0x011A for DfuSe
 */
public record DfuFunctionalDescriptor(int length, int attributes, int detachTimeoutMillis, int transferSize,
                                      int bcdDfuVersion) {

    /** Descriptor type DFU FUNCTIONAL. */
    public static final int TYPE = 0x21;
    /** bLength of a DFU 1.1 descriptor. */
    public static final int LENGTH = 9;
    /** bmAttributes bit 0: bitCanDnload. */
    public static final int CAN_DOWNLOAD = 0x01;
    /** bmAttributes bit 1: bitCanUpload. */
    public static final int CAN_UPLOAD = 0x02;
    /** bmAttributes bit 2: bitManifestationTolerant. */
    public static final int MANIFESTATION_TOLERANT = 0x04;
    /** bmAttributes bit 3: bitWillDetach. */
    public static final int WILL_DETACH = 0x08;
    /** bcdDFUVersion of ST's DfuSe extension (UM0424). */
    public static final int DFUSE_VERSION = 0x011A;

    /**
     * Decodes a descriptor as found in the configuration descriptor set; {@code d} holds at most
     * its bLength bytes, perhaps fewer when the set was cut short.
     */
    public static DfuFunctionalDescriptor parse(byte[] d) {
        byte[] f = new byte[LENGTH];
        System.arraycopy(d, 0, f, 0, Math.min(d.length, LENGTH));
        int length = f[0] & 0xFF;
        int bcd = DeviceDescriptor.u16(f, 7);
        int transferSize = DeviceDescriptor.u16(f, 5);
        if (length == 7) {
            bcd = 0x0100;
        } else if (length < LENGTH) {
            bcd = 0x0100;
            transferSize = 0;
        }
        return new DfuFunctionalDescriptor(length, f[2] & 0xFF, DeviceDescriptor.u16(f, 3), transferSize, bcd);
    }

    /** dfu-util's stand-in when a DFU interface has no functional descriptor at all: a DFU 1.0 one. */
    public static DfuFunctionalDescriptor missing() {
        return new DfuFunctionalDescriptor(7, 0, 0, 0, 0x0100);
    }

    /** The 9 descriptor bytes. */
    public byte[] toBytes() {
        return new byte[]{LENGTH, TYPE, (byte) attributes, (byte) detachTimeoutMillis, (byte) (detachTimeoutMillis >> 8),
                (byte) transferSize, (byte) (transferSize >> 8), (byte) bcdDfuVersion, (byte) (bcdDfuVersion >> 8)};
    }

    public boolean canDownload() {
        return (attributes & CAN_DOWNLOAD) != 0;
    }

    public boolean canUpload() {
        return (attributes & CAN_UPLOAD) != 0;
    }

    public boolean manifestationTolerant() {
        return (attributes & MANIFESTATION_TOLERANT) != 0;
    }

    public boolean willDetach() {
        return (attributes & WILL_DETACH) != 0;
    }

    /** bcdDFUVersion 0x011A: the ST extensions apply (dfu-util main.c). */
    public boolean isDfuse() {
        return bcdDfuVersion == DFUSE_VERSION;
    }
}
