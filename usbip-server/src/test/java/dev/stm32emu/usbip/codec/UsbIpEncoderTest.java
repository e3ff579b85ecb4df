package dev.stm32emu.usbip.codec;

import dev.stm32emu.usbip.message.RetSubmit;
import dev.stm32emu.usbip.testing.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsbIpEncoderTest {

    static List<Golden> goldens() {
        return Golden.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void shouldEncodeEveryMessageTypeToItsGoldenBytes(Golden golden) {
        EmbeddedChannel ch = new EmbeddedChannel(UsbIpEncoder.INSTANCE);
        assertTrue(ch.writeOutbound(golden.message()));
        ByteBuf out = ch.readOutbound();
        try {
            byte[] actual = ByteBufUtil.getBytes(out);
            assertEquals(HexFormat.of().formatHex(golden.wire()), HexFormat.of().formatHex(actual));
            assertEquals(golden.wire().length, UsbIpEncoder.encodedSize(golden.message()));
        } finally {
            out.release();
        }
        assertNull(ch.readOutbound());
        assertFalse(ch.finish());
    }

    @Test
    void shouldWriteTheVersionBigEndianInEveryOperationMessage() {
        EmbeddedChannel ch = new EmbeddedChannel(UsbIpEncoder.INSTANCE);
        ch.writeOutbound(Golden.importReply().message());
        ByteBuf out = ch.readOutbound();
        try {
            assertEquals(0x01, out.getUnsignedByte(0));     // 0x0111, high byte first
            assertEquals(0x11, out.getUnsignedByte(1));
            assertEquals(320, out.readableBytes());          // header + record, no interface records (§1.5)
            assertEquals(1, out.getUnsignedByte(8 + 0x137)); // bNumInterfaces still says 1
        } finally {
            out.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void shouldWriteNoDataForAnOutCompletionWhateverItsActualLength() {
        EmbeddedChannel ch = new EmbeddedChannel(UsbIpEncoder.INSTANCE);
        ch.writeOutbound(RetSubmit.out(9, 0, 4096));
        ByteBuf out = ch.readOutbound();
        try {
            assertEquals(UsbIpWire.URB_HEADER_SIZE, out.readableBytes());
            assertEquals(4096, out.getInt(0x18));
        } finally {
            out.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void shouldBeShareableAcrossChannels() {
        EmbeddedChannel a = new EmbeddedChannel(UsbIpEncoder.INSTANCE);
        EmbeddedChannel b = new EmbeddedChannel(UsbIpEncoder.INSTANCE);
        a.writeOutbound(Golden.unlinkReply().message());
        b.writeOutbound(Golden.devlistRequest().message());
        ByteBuf fromA = a.readOutbound();
        ByteBuf fromB = b.readOutbound();
        try {
            assertArrayEquals(Golden.unlinkReply().wire(), ByteBufUtil.getBytes(fromA));
            assertArrayEquals(Golden.devlistRequest().wire(), ByteBufUtil.getBytes(fromB));
        } finally {
            fromA.release();
            fromB.release();
        }
        assertFalse(a.finish());
        assertFalse(b.finish());
    }
}
