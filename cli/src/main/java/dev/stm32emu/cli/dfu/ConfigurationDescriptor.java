package dev.stm32emu.cli.dfu;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A configuration descriptor set (USB 2.0 §9.6.3, §9.6.5) split the way libusb splits it for
 * dfu-util: the configuration's own class-specific descriptors ({@code extra}, those before the
 * first interface descriptor) and, per interface descriptor (one per alternate setting), the
 * class-specific descriptors that follow it up to the next interface or endpoint descriptor.
 *
 * @param configurationValue bConfigurationValue
 * @param attributes         bmAttributes
 * @param extra              descriptors between the configuration descriptor and the first interface
 * @param interfaces         every interface descriptor, alternate settings included, in order
 */
public record ConfigurationDescriptor(int configurationValue, int attributes, byte[] extra,
                                      List<InterfaceDescriptor> interfaces) {

    static final int DT_INTERFACE = 4;
    static final int DT_ENDPOINT = 5;

    public ConfigurationDescriptor {
        extra = extra.clone();
        interfaces = List.copyOf(interfaces);
    }

    @Override
    public byte[] extra() {
        return extra.clone();
    }

    /** Decodes a descriptor set read with GET_DESCRIPTOR(CONFIGURATION). */
    public static ConfigurationDescriptor parse(byte[] d) throws DfuException {
        if (d.length < 9 || d[1] != DfuTransport.DT_CONFIGURATION || (d[0] & 0xFF) < 9) {
            throw new DfuException("malformed configuration descriptor (" + d.length + " bytes)");
        }
        int total = Math.min(DeviceDescriptor.u16(d, 2), d.length);
        int value = d[5] & 0xFF;
        int attributes = d[7] & 0xFF;
        ByteArrayOutputStream configExtra = new ByteArrayOutputStream();
        List<InterfaceDescriptor> interfaces = new ArrayList<>();
        byte[] current = null;
        ByteArrayOutputStream currentExtra = null;
        boolean inEndpoints = false;
        int p = d[0] & 0xFF;
        while (p + 1 < total) {
            int len = d[p] & 0xFF;
            if (len < 2) {
                throw new DfuException("malformed configuration descriptor: zero-length descriptor at offset " + p);
            }
            int end = Math.min(p + len, total);
            int type = d[p + 1] & 0xFF;
            if (type == DT_INTERFACE && end - p >= 9) {
                if (current != null) {
                    interfaces.add(InterfaceDescriptor.of(current, currentExtra.toByteArray()));
                }
                current = Arrays.copyOfRange(d, p, end);
                currentExtra = new ByteArrayOutputStream();
                inEndpoints = false;
            } else if (type == DT_ENDPOINT) {
                inEndpoints = true;
            } else if (current == null) {
                configExtra.write(d, p, end - p);
            } else if (!inEndpoints) {
                currentExtra.write(d, p, end - p);
            }
            p += len;
        }
        if (current != null) {
            interfaces.add(InterfaceDescriptor.of(current, currentExtra.toByteArray()));
        }
        return new ConfigurationDescriptor(value, attributes, configExtra.toByteArray(), interfaces);
    }

    /**
     * The first descriptor of {@code type} in a concatenated list, cut to its bLength and the
     * list's end, or null (dfu_util.c {@code find_descriptor}).
     */
    public static byte[] findDescriptor(byte[] list, int type) {
        int p = 0;
        while (p + 1 < list.length) {
            int len = list[p] & 0xFF;
            if (len == 0) {
                return null;
            }
            if ((list[p + 1] & 0xFF) == type) {
                return Arrays.copyOfRange(list, p, Math.min(p + len, list.length));
            }
            p += len;
        }
        return null;
    }

    /**
     * One interface descriptor (USB 2.0 Table 9-12), i.e. one alternate setting.
     *
     * @param extra the class-specific descriptors that follow it
     */
    public record InterfaceDescriptor(int number, int alternateSetting, int numEndpoints, int interfaceClass,
                                      int interfaceSubClass, int interfaceProtocol, int iInterface, byte[] extra) {

        public InterfaceDescriptor {
            extra = extra.clone();
        }

        static InterfaceDescriptor of(byte[] d, byte[] extra) {
            return new InterfaceDescriptor(d[2] & 0xFF, d[3] & 0xFF, d[4] & 0xFF, d[5] & 0xFF, d[6] & 0xFF,
                    d[7] & 0xFF, d[8] & 0xFF, extra);
        }

        @Override
        public byte[] extra() {
            return extra.clone();
        }

        /** Class 0xFE, subclass 0x01: a DFU interface (DFU 1.1 §4.2.3). */
        public boolean isDfu() {
            return interfaceClass == 0xFE && interfaceSubClass == 0x01;
        }
    }
}
