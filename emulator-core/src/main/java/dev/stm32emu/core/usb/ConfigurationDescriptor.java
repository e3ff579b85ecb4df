package dev.stm32emu.core.usb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A configuration descriptor with everything wTotalLength covers (USB 2.0 §9.6.3):
 * interfaces in the order they appear (each alternate setting separately), their
 * endpoints, and unknown descriptors kept raw in the {@code extra} of whatever precedes
 * them, as Linux and libusb do (config before the first interface, interface before its
 * first endpoint, endpoint after it). {@code raw} is the whole block.
 */
public record ConfigurationDescriptor(int totalLength, int numInterfaces, int configurationValue,
                                      int configurationIndex, int attributes, int maxPower,
                                      List<InterfaceDescriptor> interfaces, byte[] extra, byte[] raw) {
    /** bLength of the configuration descriptor itself. */
    public static final int LENGTH = 9;

    public ConfigurationDescriptor {
        interfaces = List.copyOf(interfaces);
        extra = extra.clone();
        raw = raw.clone();
    }

    @Override
    public byte[] extra() {
        return extra.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** wTotalLength from the first 9 bytes. */
    public static int totalLength(byte[] header) {
        if (header.length < 4 || header[1] != StandardRequests.CONFIGURATION) {
            throw new IllegalArgumentException("not a configuration descriptor: " + Descriptors.hex(header));
        }
        return Descriptors.u16(header, 2);
    }

    /** Parses a whole configuration (wTotalLength bytes). */
    public static ConfigurationDescriptor parse(byte[] b) {
        int total = totalLength(b);
        if (b.length < LENGTH || (b[0] & 0xFF) < LENGTH || b.length < total) {
            throw new IllegalArgumentException("configuration descriptor of " + b.length + " bytes, wTotalLength "
                    + total + ": " + Descriptors.hex(b));
        }
        List<InterfaceBuilder> interfaces = new ArrayList<>();
        Extra configExtra = new Extra();
        Extra current = configExtra;
        int off = b[0] & 0xFF;
        while (off + 2 <= total) {
            int len = b[off] & 0xFF;
            int type = b[off + 1] & 0xFF;
            if (len < 2 || off + len > total) {
                throw new IllegalArgumentException("descriptor at offset " + off + " with bLength " + len
                        + " overruns wTotalLength " + total);
            }
            byte[] d = Arrays.copyOfRange(b, off, off + len);
            if (type == StandardRequests.INTERFACE && len >= 9) {
                InterfaceBuilder i = new InterfaceBuilder(d);
                interfaces.add(i);
                current = i.extra;
            } else if (type == StandardRequests.ENDPOINT && len >= 7 && !interfaces.isEmpty()) {
                InterfaceBuilder i = interfaces.getLast();
                EndpointBuilder e = new EndpointBuilder(d);
                i.endpoints.add(e);
                current = e.extra;
            } else {
                current.add(d);
            }
            off += len;
        }
        return new ConfigurationDescriptor(total, b[4] & 0xFF, b[5] & 0xFF, b[6] & 0xFF, b[7] & 0xFF, b[8] & 0xFF,
                interfaces.stream().map(InterfaceBuilder::build).toList(), configExtra.bytes(),
                Arrays.copyOf(b, total));
    }

    /** Raw class-specific bytes being collected. */
    private static final class Extra {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        void add(byte[] d) {
            out.write(d, 0, d.length);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static final class InterfaceBuilder {
        final byte[] d;
        final List<EndpointBuilder> endpoints = new ArrayList<>();
        final Extra extra = new Extra();

        InterfaceBuilder(byte[] d) {
            this.d = d;
        }

        InterfaceDescriptor build() {
            return new InterfaceDescriptor(d[2] & 0xFF, d[3] & 0xFF, d[5] & 0xFF, d[6] & 0xFF, d[7] & 0xFF,
                    d[8] & 0xFF, endpoints.stream().map(EndpointBuilder::build).toList(), extra.bytes());
        }
    }

    private static final class EndpointBuilder {
        final byte[] d;
        final Extra extra = new Extra();

        EndpointBuilder(byte[] d) {
            this.d = d;
        }

        EndpointDescriptor build() {
            return new EndpointDescriptor(d[2] & 0xFF, d[3] & 0xFF, Descriptors.u16(d, 4), d[6] & 0xFF, extra.bytes());
        }
    }
}
