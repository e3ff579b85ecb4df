package dev.stm32emu.usbip.testing;

import dev.stm32emu.usbip.codec.UsbIpDecoder;
import dev.stm32emu.usbip.codec.UsbIpProtocolViolation;
import dev.stm32emu.usbip.message.UsbIpMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a {@link UsbIpDecoder} in an {@link EmbeddedChannel} and records the protocol violations
 * it reports.
 */
public final class DecoderHarness {
    private final EmbeddedChannel channel;
    private final List<UsbIpProtocolViolation> violations = new ArrayList<>();

    /** @param decoder a fresh decoder */
    public DecoderHarness(UsbIpDecoder decoder) {
        channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof UsbIpProtocolViolation v) {
                    violations.add(v);
                }
            }
        });
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    public List<UsbIpProtocolViolation> violations() {
        return violations;
    }

    /** Writes bytes inbound (the decoder releases the buffer). */
    public void write(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    public void write(byte[] bytes, int offset, int length) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, offset, length));
    }

    /** @return every message decoded so far, removed from the channel */
    public List<UsbIpMessage> drain() {
        List<UsbIpMessage> messages = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            messages.add((UsbIpMessage) m);
        }
        return messages;
    }

    /** Asserts the connection stayed open and nothing is left over, and finishes the channel. */
    public void assertOpenAndFinish() {
        assertTrue(channel.isOpen(), "channel closed: " + violations);
        assertTrue(violations.isEmpty(), "violations: " + violations);
        assertFalse(channel.finish());
    }

    /** Asserts the decoder rejected the input: one violation, channel closed, nothing decoded. */
    public UsbIpProtocolViolation assertRejectedAndFinish() {
        assertFalse(channel.isOpen(), "channel still open");
        assertEquals(1, violations.size(), "violations: " + violations);
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
        return violations.getFirst();
    }

    /**
     * Feeds {@code input} whole, split in two at every byte boundary, and one byte at a time, each
     * time on a fresh channel, and checks that exactly {@code expected} comes out.
     */
    public static void assertDecodesAtEverySplit(Supplier<DecoderHarness> harnesses, byte[] input,
                                                 List<UsbIpMessage> expected) {
        for (int split = 0; split <= input.length; split++) {
            DecoderHarness h = harnesses.get();
            h.write(input, 0, split);
            List<UsbIpMessage> decoded = new ArrayList<>(h.drain());
            h.write(input, split, input.length - split);
            decoded.addAll(h.drain());
            assertEquals(expected, decoded, "split at byte " + split);
            h.assertOpenAndFinish();
        }
        DecoderHarness h = harnesses.get();
        List<UsbIpMessage> decoded = new ArrayList<>();
        for (int i = 0; i < input.length; i++) {
            h.write(input, i, 1);
            decoded.addAll(h.drain());
            if (expected.size() == 1 && i < input.length - 1) {
                assertTrue(decoded.isEmpty(), "a single message decoded before its last byte, at byte " + i);
            }
        }
        assertEquals(expected, decoded, "one byte at a time");
        h.assertOpenAndFinish();
    }
}
