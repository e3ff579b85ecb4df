package dev.stm32emu.usbip.codec;

/** Sizes, offsets and limits of the USB/IP wire format (facts-usb.md §1). */
public final class UsbIpWire {
    /** Protocol version in every {@code op_common} header; must be echoed exactly (§1.1). */
    public static final int VERSION = 0x0111;
    /** Default TCP port ({@code usbip_network.c}). */
    public static final int DEFAULT_PORT = 3240;

    /** {@code op_common}: version u16, code u16, status u32 (§1.2). */
    public static final int OP_HEADER_SIZE = 8;
    /** Bus id field: NUL-terminated, zero-padded ({@code SYSFS_BUS_ID_SIZE}). */
    public static final int BUSID_SIZE = 32;
    /** Path field of a device record. */
    public static final int PATH_SIZE = 256;
    /** {@code usbip_usb_device} (§1.3). */
    public static final int DEVICE_RECORD_SIZE = 312;
    /** {@code usbip_usb_interface}: class, subclass, protocol, padding (§1.3). */
    public static final int INTERFACE_RECORD_SIZE = 4;
    /** Offset of {@code bNumInterfaces} in a device record. */
    public static final int NUM_INTERFACES_OFFSET = 0x137;
    /** OP_REQ_IMPORT: header plus bus id. */
    public static final int IMPORT_REQUEST_SIZE = OP_HEADER_SIZE + BUSID_SIZE;
    /** Successful OP_REP_IMPORT: header plus one device record, no interface records (§1.5). */
    public static final int IMPORT_REPLY_SIZE = OP_HEADER_SIZE + DEVICE_RECORD_SIZE;
    /** URB-phase header: 20-byte basic header plus a 28-byte union (§1.6). */
    public static final int URB_HEADER_SIZE = 48;
    /** {@code usbip_iso_packet_descriptor}. */
    public static final int ISO_DESCRIPTOR_SIZE = 16;

    /** Direction value for OUT (host to device). */
    public static final int DIR_OUT = 0;
    /** Direction value for IN (device to host). */
    public static final int DIR_IN = 1;

    /**
     * Largest accepted {@code transfer_buffer_length} / {@code actual_length}. Bounds the memory one
     * message can take; far above what a full-speed device moves in one URB.
     */
    public static final int MAX_TRANSFER_LENGTH = 1 << 20;
    /** Largest accepted ISO packet count, the kernel's {@code USBIP_MAX_ISO_PACKETS}. */
    public static final int MAX_ISO_PACKETS = 1024;
    /** Largest accepted device count in a DEVLIST reply. */
    public static final int MAX_DEVICES = 256;

    private UsbIpWire() {
    }
}
