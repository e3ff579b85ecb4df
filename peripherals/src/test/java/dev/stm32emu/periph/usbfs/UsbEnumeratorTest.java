package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.usb.ConfigurationDescriptor;
import dev.stm32emu.core.usb.EnumeratedDevice;
import dev.stm32emu.core.usb.InterfaceDescriptor;
import dev.stm32emu.core.usb.SetupPacket;
import dev.stm32emu.core.usb.TransferType;
import dev.stm32emu.core.usb.UsbEnumerationException;
import dev.stm32emu.core.usb.UsbEnumerator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static dev.stm32emu.periph.usbfs.UsbFsBench.MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Enumeration of the Java test firmware through the engine and the F1 USB model. */
class UsbEnumeratorTest {
    private final EngineBench b = new EngineBench();

    private EnumeratedDevice enumerate(int address) {
        CompletableFuture<EnumeratedDevice> f = new UsbEnumerator(b.engine, b.bench.scheduler).enumerate(address);
        b.runUntil(f::isDone, 1000 * MS);
        return f.join();
    }

    @Test
    void shouldEnumerateADeviceWithDescriptorsLongerThanOnePacket() {
        EnumeratedDevice d = enumerate(7);
        assertEquals(TestDescriptors.VID, d.device().vendorId());
        assertEquals(TestDescriptors.PID, d.device().productId());
        assertEquals(0x2200, d.device().deviceVersion());
        assertEquals(64, d.device().maxPacketSize0());
        assertArrayEquals(TestDescriptors.DEVICE, d.deviceRaw());
        assertEquals(1, d.configurations().size());
        ConfigurationDescriptor c = d.configurations().getFirst();
        assertEquals(68, c.totalLength());
        assertArrayEquals(TestDescriptors.CONFIGURATION, c.raw());
        assertEquals(List.of("0/0", "1/0", "1/1", "1/2"),
                c.interfaces().stream().map(i -> i.number() + "/" + i.alternateSetting()).toList());
        InterfaceDescriptor vendor = c.interfaces().getFirst();
        assertEquals(List.of(0x01, 0x81), vendor.endpoints().stream().map(e -> e.address()).toList());
        assertEquals(TransferType.BULK, vendor.endpoints().get(1).transferType());
        InterfaceDescriptor dfu = c.interfaces().get(1);
        assertArrayEquals(TestDescriptors.DFU_FUNCTIONAL, dfu.extraDescriptor(0x21));
        assertEquals(List.of(0x0409), d.langIds());
        assertEquals(TestDescriptors.MANUFACTURER, d.string(1));
        assertEquals(TestDescriptors.PRODUCT, d.string(2));
        assertEquals(TestDescriptors.SERIAL, d.string(3));
        assertEquals(TestDescriptors.FLASH_LAYOUT, d.string(4));
        assertEquals(TestDescriptors.OPTION_BYTES, d.string(5));
        assertEquals(7, b.firmware.address, "the firmware took the address after the status stage");
        assertEquals(64, b.engine.maxPacketSize(0x81));
    }

    @Test
    void shouldIssueTheLinuxSequenceOfRequests() {
        enumerate(3);
        assertEquals(List.of("80 06 0100 0000 0040", "00 05 0003 0000 0000", "80 06 0100 0000 0012",
                        "80 06 0200 0000 0009", "80 06 0200 0000 0044", "80 06 0300 0000 00ff",
                        "80 06 0301 0409 00ff", "80 06 0302 0409 00ff", "80 06 0303 0409 00ff",
                        "80 06 0304 0409 00ff", "80 06 0305 0409 00ff"),
                b.firmware.setups.stream().map(UsbEnumeratorTest::text).toList());
        assertEquals(2, b.port.count("RESET"));
    }

    @Test
    void shouldFinishMultiPacketReadsWithAShortPacketOrAZeroLengthPacket() {
        enumerate(3);
        List<String> log = b.port.log;
        int config = log.indexOf("IN0 ACK DATA1 64");
        assertTrue(config >= 0, log.toString());
        assertTrue(log.contains("IN0 ACK DATA0 30"), "product string: 64 + 30: " + log);
        assertTrue(log.contains("IN0 ACK DATA0 0"), "serial string: 64 then a ZLP data packet: " + log);
    }

    @Test
    void shouldLearnAnEightByteEndpointZeroFromTheFirstRead() {
        EngineBench small = new EngineBench(8);
        CompletableFuture<EnumeratedDevice> f = new UsbEnumerator(small.engine, small.bench.scheduler).enumerate(9);
        small.runUntil(f::isDone, 1000 * MS);
        EnumeratedDevice d = f.join();
        assertEquals(8, d.device().maxPacketSize0());
        assertEquals(8, small.engine.maxPacketSize(0));
        assertEquals(TestDescriptors.PRODUCT, d.string(2));
        assertArrayEquals(TestDescriptors.CONFIGURATION, d.configurations().getFirst().raw());
        assertTrue(small.port.log.contains("IN0 ACK DATA1 8"));
        assertTrue(small.port.log.contains("IN0 ACK DATA0 2"), "18 bytes = 8 + 8 + 2: " + small.port.log);
    }

    @Test
    void shouldFailWithTheStepWhenTheDeviceNeverBecomesReady() {
        b.bench.usb.setPullUp(false);
        CompletableFuture<EnumeratedDevice> f = new UsbEnumerator(b.engine, b.bench.scheduler).enumerate(3);
        b.runFor(100 * MS);
        CompletionException e = assertThrows(CompletionException.class, f::join);
        UsbEnumerationException cause = assertInstanceOf(UsbEnumerationException.class, e.getCause());
        assertTrue(cause.getMessage().startsWith("GET_DESCRIPTOR(DEVICE, 64)"), cause.getMessage());
    }

    private static String text(SetupPacket s) {
        return String.format("%02x %02x %04x %04x %04x", s.requestType(), s.request(), s.value(), s.index(),
                s.length());
    }
}
