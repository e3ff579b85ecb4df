package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.codec.UsbIpDecoder;
import dev.stm32emu.usbip.codec.UsbIpEncoder;
import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.message.UsbIpMessage;
import dev.stm32emu.usbip.testing.DecoderHarness;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One server session in an {@link EmbeddedChannel}: requests are encoded and written inbound,
 * replies are read back through a client-role decoder, so both ends speak real bytes.
 */
final class SessionHarness {
    final ExportTable exports;
    final UsbIpSessionHandler session;
    final EmbeddedChannel channel;
    private final Map<Integer, UsbIpDecoder.OutstandingSubmit> outstanding = new ConcurrentHashMap<>();
    private final DecoderHarness replies = new DecoderHarness(UsbIpDecoder.forClient(outstanding::get));

    SessionHarness(ExportTable exports) {
        this.exports = exports;
        this.session = new UsbIpSessionHandler(exports);
        this.channel = new EmbeddedChannel(UsbIpDecoder.forServer(session::isIsochronous), UsbIpEncoder.INSTANCE,
                session);
    }

    /** Encodes a request and feeds it to the server side. */
    void send(UsbIpMessage request) {
        if (request instanceof CmdSubmit submit) {
            outstanding.put(submit.seqnum(), new UsbIpDecoder.OutstandingSubmit(submit.in(), submit.isochronous(),
                    submit.transferBufferLength()));
        }
        ByteBuf buf = Unpooled.buffer(UsbIpEncoder.encodedSize(request));
        UsbIpEncoder.encode(request, buf);
        channel.writeInbound(buf);
    }

    /** Feeds raw bytes to the server side. */
    void sendRaw(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    /** @return every reply written since the last call, decoded as a client would */
    List<UsbIpMessage> replies() {
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) o;
            try {
                if (buf.isReadable()) {
                    replies.write(ByteBufUtil.getBytes(buf));
                }
            } finally {
                buf.release();
            }
        }
        return replies.drain();
    }

    /** Asserts the client side saw no protocol violation. */
    void assertRepliesWellFormed() {
        if (!replies.violations().isEmpty()) {
            throw new AssertionError("server sent bad replies: " + replies.violations());
        }
    }
}
