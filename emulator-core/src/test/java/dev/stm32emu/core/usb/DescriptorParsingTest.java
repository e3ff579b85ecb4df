package dev.stm32emu.core.usb;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Descriptor records parsed from bytes as a device sends them (USB 2.0 §9.6). */
class DescriptorParsingTest {
    /** The ST F4 ROM bootloader's device descriptor (facts-usb.md §3.9). */
    private static final byte[] DEVICE = {18, 1, 0x00, 0x01, 0, 0, 0, 64, (byte) 0x83, 0x04, 0x11, (byte) 0xDF, 0x00,
            0x21, 1, 2, 3, 1};

    @Test
    void shouldParseTheDeviceDescriptorFields() {
        DeviceDescriptor d = DeviceDescriptor.parse(DEVICE);
        assertEquals(0x0100, d.usbVersion());
        assertEquals(64, d.maxPacketSize0());
        assertEquals(0x0483, d.vendorId());
        assertEquals(0xDF11, d.productId());
        assertEquals(0x2100, d.deviceVersion());
        assertEquals(List.of(1, 2, 3, 1), List.of(d.manufacturerIndex(), d.productIndex(), d.serialNumberIndex(),
                d.numConfigurations()));
        assertEquals(64, DeviceDescriptor.maxPacketSize0(java.util.Arrays.copyOf(DEVICE, 8)));
    }

    @Test
    void shouldRejectAShortDeviceDescriptorAndABadMaxPacketSize() {
        assertThrows(IllegalArgumentException.class, () -> DeviceDescriptor.parse(java.util.Arrays.copyOf(DEVICE, 17)));
        byte[] bad = DEVICE.clone();
        bad[7] = 12;
        assertThrows(IllegalArgumentException.class, () -> DeviceDescriptor.maxPacketSize0(bad));
        bad[1] = 2;
        assertThrows(IllegalArgumentException.class, () -> DeviceDescriptor.parse(bad));
    }

    @Test
    void shouldKeepClassSpecificDescriptorsWithWhatPrecedesThem() {
        byte[] iad = {8, 0x0B, 0, 2, 2, 2, 1, 0};
        byte[] cdcHeader = {5, 0x24, 0, 0x10, 0x01};
        byte[] epCompanion = {4, 0x77, 1, 2};
        byte[] dfu = {9, 0x21, 0x0B, (byte) 0xFF, 0, 0, 8, 0x1A, 1};
        byte[] c = concat(new byte[]{9, 2, 0, 0, 2, 1, 4, (byte) 0xC0, 50}, iad,
                new byte[]{9, 4, 0, 0, 1, 2, 2, 1, 0}, cdcHeader, new byte[]{7, 5, (byte) 0x82, 3, 8, 0, 16},
                epCompanion, new byte[]{9, 4, 1, 0, 0, (byte) 0xFE, 1, 2, 5}, dfu);
        c[2] = (byte) c.length;
        ConfigurationDescriptor cfg = ConfigurationDescriptor.parse(c);
        assertEquals(c.length, cfg.totalLength());
        assertEquals(1, cfg.configurationValue());
        assertEquals(4, cfg.configurationIndex());
        assertEquals(0xC0, cfg.attributes());
        assertArrayEquals(iad, cfg.extra());
        InterfaceDescriptor cdc = cfg.interfaces().get(0);
        assertArrayEquals(cdcHeader, cdc.extra());
        EndpointDescriptor ep = cdc.endpoints().getFirst();
        assertEquals(0x82, ep.address());
        assertEquals(TransferType.INTERRUPT, ep.transferType());
        assertEquals(8, ep.packetSize());
        assertEquals(16, ep.interval());
        assertArrayEquals(epCompanion, ep.extra());
        InterfaceDescriptor dfuIf = cfg.interfaces().get(1);
        assertEquals(List.of(0xFE, 1, 2, 5), List.of(dfuIf.interfaceClass(), dfuIf.interfaceSubClass(),
                dfuIf.interfaceProtocol(), dfuIf.interfaceIndex()));
        assertArrayEquals(dfu, dfuIf.extraDescriptor(0x21));
        assertNull(dfuIf.extraDescriptor(0x24));
        assertArrayEquals(c, cfg.raw());
    }

    @Test
    void shouldRejectADescriptorThatOverrunsTheTotalLength() {
        byte[] c = {9, 2, 20, 0, 1, 1, 0, (byte) 0x80, 50, 9, 4, 0, 0, 0, (byte) 0xFF, 0, 0, 0, 5, 0x24};
        c[18] = 9;
        assertThrows(IllegalArgumentException.class, () -> ConfigurationDescriptor.parse(c));
        assertThrows(IllegalArgumentException.class, () -> ConfigurationDescriptor.parse(new byte[]{9, 2, 40, 0, 0}));
    }

    @Test
    void shouldDecodeStringsAndToleranceATruncatedRead() {
        byte[] s = {10, 3, 'D', 0, 'F', 0, 'U', 0, '!', 0};
        assertEquals("DFU!", StringDescriptor.parseText(s));
        assertEquals("DF", StringDescriptor.parseText(java.util.Arrays.copyOf(s, 7)));
        assertEquals("", StringDescriptor.parseText(new byte[]{2, 3}));
        assertEquals(List.of(0x0409, 0x0407), StringDescriptor.parseLangIds(new byte[]{6, 3, 9, 4, 7, 4}));
        assertThrows(IllegalArgumentException.class, () -> StringDescriptor.parseText(new byte[]{4, 2, 0, 0}));
    }

    @Test
    void shouldBuildStandardRequestsAsOnTheWire() {
        assertArrayEquals(new byte[]{(byte) 0x80, 6, 2, 3, 9, 4, (byte) 0xFF, 0},
                StandardRequests.getDescriptor(3, 2, 0x0409, 255).toBytes());
        assertArrayEquals(new byte[]{0, 5, 9, 0, 0, 0, 0, 0}, StandardRequests.setAddress(9).toBytes());
        assertArrayEquals(new byte[]{1, 11, 2, 0, 1, 0, 0, 0}, StandardRequests.setInterface(1, 2).toBytes());
        assertArrayEquals(new byte[]{2, 1, 0, 0, (byte) 0x81, 0, 0, 0}, StandardRequests.clearEndpointHalt(0x81).toBytes());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
