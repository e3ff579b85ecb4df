package dev.stm32emu.usbip.codec;

import dev.stm32emu.usbip.message.IsoPacketDescriptor;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.message.UsbInterfaceInfo;
import dev.stm32emu.usbip.message.UsbSpeed;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Field-level reading and writing shared by the frame parsers and the encoder: fixed-size
 * NUL-padded strings, the 312-byte device record and ISO descriptors (facts-usb.md §1.3, §1.6).
 * Strings are ISO-8859-1, one byte per character, so a bus id round-trips byte for byte.
 */
final class WireFormat {
    private WireFormat() {
    }

    /** Checks the version of the op_common header at {@code index}; the client rejects anything but 0x0111 (§1.1). */
    static void requireVersion(ByteBuf in, int index) throws MalformedMessageException {
        int version = in.getUnsignedShort(index);
        if (version != UsbIpWire.VERSION) {
            throw new MalformedMessageException(String.format("version 0x%04x, expected 0x%04x",
                    version, UsbIpWire.VERSION));
        }
    }

    static void writeOpHeader(ByteBuf out, int code, int status) {
        out.writeShort(UsbIpWire.VERSION);
        out.writeShort(code);
        out.writeInt(status);
    }

    /** Writes {@code value} NUL-padded to {@code size} bytes; the record types guarantee it fits with a NUL. */
    static void writeFixedString(ByteBuf out, String value, int size) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(bytes);
        out.writeZero(size - bytes.length);
    }

    /**
     * Reads a {@code size}-byte NUL-terminated field and returns the characters before the NUL.
     *
     * @throws MalformedMessageException if there is no NUL within {@code size} bytes
     */
    static String readFixedString(ByteBuf in, int size, String field) throws MalformedMessageException {
        int start = in.readerIndex();
        int nul = in.indexOf(start, start + size, (byte) 0);
        if (nul < 0) {
            throw new MalformedMessageException(field + " is not NUL-terminated within " + size + " bytes");
        }
        String value = in.toString(start, nul - start, StandardCharsets.ISO_8859_1);
        in.skipBytes(size);
        return value;
    }

    /** Writes the 312-byte device record; bNumInterfaces is the size of the interface list (§1.3). */
    static void writeDevice(ByteBuf out, UsbDeviceInfo d) {
        writeFixedString(out, d.path(), UsbIpWire.PATH_SIZE);       // 0x000 path[256]
        writeFixedString(out, d.busid(), UsbIpWire.BUSID_SIZE);     // 0x100 busid[32]
        out.writeInt(d.busnum());                                   // 0x120
        out.writeInt(d.devnum());                                   // 0x124
        out.writeInt(d.speed().code());                             // 0x128
        out.writeShort(d.idVendor());                               // 0x12C, BE
        out.writeShort(d.idProduct());                              // 0x12E
        out.writeShort(d.bcdDevice());                              // 0x130
        out.writeByte(d.bDeviceClass());                            // 0x132
        out.writeByte(d.bDeviceSubClass());                         // 0x133
        out.writeByte(d.bDeviceProtocol());                         // 0x134
        out.writeByte(d.bConfigurationValue());                     // 0x135
        out.writeByte(d.bNumConfigurations());                      // 0x136
        out.writeByte(d.bNumInterfaces());                          // 0x137
    }

    /** Writes the 4-byte interface records DEVLIST sends after a device record (§1.4). */
    static void writeInterfaces(ByteBuf out, UsbDeviceInfo d) {
        for (UsbInterfaceInfo i : d.interfaces()) {
            out.writeByte(i.bInterfaceClass());
            out.writeByte(i.bInterfaceSubClass());
            out.writeByte(i.bInterfaceProtocol());
            out.writeByte(0);                                       // padding
        }
    }

    /**
     * Reads one device record, and its interface records if {@code withInterfaces} (DEVLIST; an
     * IMPORT reply has none). The caller has checked that enough bytes are readable.
     */
    static UsbDeviceInfo readDevice(ByteBuf in, boolean withInterfaces) throws MalformedMessageException {
        String path = readFixedString(in, UsbIpWire.PATH_SIZE, "path");
        String busid = readFixedString(in, UsbIpWire.BUSID_SIZE, "busid");
        int busnum = in.readInt();
        int devnum = in.readInt();
        int speedCode = in.readInt();
        UsbSpeed speed = UsbSpeed.find(speedCode).orElseThrow(
                () -> new MalformedMessageException("device " + busid + ": unknown speed " + speedCode));
        int idVendor = in.readUnsignedShort();
        int idProduct = in.readUnsignedShort();
        int bcdDevice = in.readUnsignedShort();
        int deviceClass = in.readUnsignedByte();
        int deviceSubClass = in.readUnsignedByte();
        int deviceProtocol = in.readUnsignedByte();
        int configurationValue = in.readUnsignedByte();
        int numConfigurations = in.readUnsignedByte();
        int numInterfaces = in.readUnsignedByte();
        List<UsbInterfaceInfo> interfaces = new ArrayList<>();
        if (withInterfaces) {
            for (int i = 0; i < numInterfaces; i++) {
                interfaces.add(new UsbInterfaceInfo(in.readUnsignedByte(), in.readUnsignedByte(),
                        in.readUnsignedByte()));
                in.skipBytes(1);                                    // padding
            }
        }
        try {
            return new UsbDeviceInfo(path, busid, busnum, devnum, speed, idVendor, idProduct, bcdDevice,
                    deviceClass, deviceSubClass, deviceProtocol, configurationValue, numConfigurations,
                    interfaces);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("device record: " + e.getMessage());
        }
    }

    static void writeIso(ByteBuf out, List<IsoPacketDescriptor> iso) {
        for (IsoPacketDescriptor d : iso) {
            out.writeInt(d.offset());
            out.writeInt(d.length());
            out.writeInt(d.actualLength());
            out.writeInt(d.status());
        }
    }

    static List<IsoPacketDescriptor> readIso(ByteBuf in, int count) {
        List<IsoPacketDescriptor> iso = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            iso.add(new IsoPacketDescriptor(in.readInt(), in.readInt(), in.readInt(), in.readInt()));
        }
        return iso;
    }

    static byte[] readBytes(ByteBuf in, int length) {
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }
}
