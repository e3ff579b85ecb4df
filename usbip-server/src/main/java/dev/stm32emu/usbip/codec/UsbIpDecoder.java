package dev.stm32emu.usbip.codec;

import dev.stm32emu.usbip.message.OpRepImport;
import dev.stm32emu.usbip.message.UsbIpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;

/**
 * Decodes one direction of a USB/IP connection into {@link UsbIpMessage}s.
 *
 * <p>A decoder has a {@link Role}: a {@link Role#SERVER} decoder reads requests, a
 * {@link Role#CLIENT} decoder reads replies. It starts in {@link Phase#OPERATION} and moves to
 * {@link Phase#URB} after a successful import (facts-usb.md §1.1): a client decoder does that by
 * itself when it decodes an OP_REP_IMPORT with status 0; on the server, the session handler calls
 * {@link #enterUrbPhase()} while it handles the import request (Netty hands each decoded message to
 * the next handler before decoding the next one, so the switch takes effect for the very next
 * byte).
 *
 * <p>The wire does not say whether data or ISO descriptors follow a header: a server decoder asks
 * {@link IsoEndpoints} whether the endpoint is isochronous, and a client decoder asks
 * {@link OutstandingSubmits} how the URB with that seqnum was submitted (direction, ISO, buffer
 * length), exactly as the Linux vhci does (§1.8).
 *
 * <p>Framing follows {@link ByteToMessageDecoder}'s rules: lengths are peeked, an incomplete frame
 * leaves the reader index alone, and a frame is consumed whole. Every length is checked before
 * bytes are awaited ({@link UsbIpWire#MAX_TRANSFER_LENGTH}, {@link UsbIpWire#MAX_ISO_PACKETS},
 * {@link UsbIpWire#MAX_DEVICES}), so the decoder never buffers more than one maximal message. Input
 * that breaks the protocol is logged in one line, reported downstream as a
 * {@link UsbIpProtocolViolation} user event, discarded, and the connection is closed: the protocol
 * has no error reply a peer could act on, and after a bad length the stream cannot be re-synchronised.
 * Not {@code @Sharable}: it holds per-connection state and must only be used on its channel's event loop.
 */
public final class UsbIpDecoder extends ByteToMessageDecoder {
    private static final System.Logger LOG = System.getLogger(UsbIpDecoder.class.getName());

    private final Role role;
    private final IsoEndpoints isoEndpoints;
    private final OutstandingSubmits outstanding;
    private Phase phase = Phase.OPERATION;
    private boolean failed;
    private Object peer;

    private UsbIpDecoder(Role role, IsoEndpoints isoEndpoints, OutstandingSubmits outstanding) {
        this.role = role;
        this.isoEndpoints = isoEndpoints;
        this.outstanding = outstanding;
    }

    /**
     * @param isoEndpoints says which endpoints of the imported device are isochronous; consulted
     *                     for every CMD_SUBMIT header, on the event loop
     * @return a decoder for the requests a server receives
     */
    public static UsbIpDecoder forServer(IsoEndpoints isoEndpoints) {
        return new UsbIpDecoder(Role.SERVER, Objects.requireNonNull(isoEndpoints, "isoEndpoints"), null);
    }

    /** @return a decoder for the requests a server receives, for a device without ISO endpoints */
    public static UsbIpDecoder forServer() {
        return forServer(IsoEndpoints.NONE);
    }

    /**
     * @param outstanding finds the URB a RET_SUBMIT completes; consulted on the event loop, so it
     *                    must be safe to read from there (e.g. a concurrent map) and must still
     *                    contain the URB until the RET_SUBMIT has been handed downstream
     * @return a decoder for the replies a client receives
     */
    public static UsbIpDecoder forClient(OutstandingSubmits outstanding) {
        return new UsbIpDecoder(Role.CLIENT, null, Objects.requireNonNull(outstanding, "outstanding"));
    }

    /** @return which side of the connection this decoder reads for */
    public Role role() {
        return role;
    }

    /** @return the current phase */
    public Phase phase() {
        return phase;
    }

    /**
     * Switches to the URB phase. The server's session handler calls this, on the event loop, while
     * handling an import request it accepted.
     */
    public void enterUrbPhase() {
        phase = Phase.URB;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (peer == null) {
            peer = ctx.channel().remoteAddress();   // kept for log lines written after the close
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            UsbIpMessage message = switch (role) {
                case SERVER -> phase == Phase.OPERATION
                        ? RequestFrames.operation(in) : RequestFrames.urb(in, isoEndpoints);
                case CLIENT -> phase == Phase.OPERATION
                        ? ReplyFrames.operation(in) : ReplyFrames.urb(in, outstanding);
            };
            if (message == null) {
                return;
            }
            if (message instanceof OpRepImport reply && reply.device().isPresent()) {
                phase = Phase.URB;          // the same socket carries URBs from now on (§1.1)
            }
            out.add(message);
        } catch (MalformedMessageException e) {
            fail(ctx, in, e.getMessage());
        } catch (RuntimeException e) {
            // a gap in the checks above: still never let bad input escape as an exception
            LOG.log(Level.ERROR, "usbip: decoder bug on input from " + peer, e);
            fail(ctx, in, "undecodable input: " + e);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // complete frames were already decoded; what is left is a frame the peer never finished
        if (!failed && in.isReadable()) {
            LOG.log(Level.INFO, "usbip: {0}: connection closed in the middle of a message ({1} bytes dropped)",
                    peer, in.readableBytes());
        }
        in.skipBytes(in.readableBytes());
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        LOG.log(Level.WARNING, "usbip: {0}: protocol violation, closing the connection: {1}", peer, reason);
        ctx.fireUserEventTriggered(new UsbIpProtocolViolation(reason));
        ctx.close();
    }

    /** Which messages a decoder reads. */
    public enum Role {
        /** Reads requests: OP_REQ_DEVLIST, OP_REQ_IMPORT, CMD_SUBMIT, CMD_UNLINK. */
        SERVER,
        /** Reads replies: OP_REP_DEVLIST, OP_REP_IMPORT, RET_SUBMIT, RET_UNLINK. */
        CLIENT
    }

    /** Connection phase (facts-usb.md §1.1). */
    public enum Phase {
        /** 8-byte {@code op_common} messages: DEVLIST and IMPORT. */
        OPERATION,
        /** 48-byte URB headers, after a successful import. */
        URB
    }

    /** Tells a server decoder which endpoints carry ISO descriptors after the header. */
    @FunctionalInterface
    public interface IsoEndpoints {
        /** No endpoint is isochronous. */
        IsoEndpoints NONE = (endpoint, in) -> false;

        /**
         * @param endpoint endpoint number 0..15
         * @param in       direction
         * @return true if the endpoint is isochronous in the device's current configuration
         */
        boolean isIsochronous(int endpoint, boolean in);
    }

    /** Tells a client decoder how the URB a RET_SUBMIT completes was submitted. */
    @FunctionalInterface
    public interface OutstandingSubmits {
        /**
         * @param seqnum the RET_SUBMIT's seqnum
         * @return the outstanding URB, or null if none has that seqnum (fatal, as in vhci)
         */
        OutstandingSubmit find(int seqnum);
    }

    /**
     * What a client decoder needs to frame a RET_SUBMIT.
     *
     * @param in                   the URB was IN, so {@code actual_length} data bytes follow
     * @param isochronous          the URB was ISO, so {@code number_of_packets} descriptors follow
     * @param transferBufferLength the URB's buffer size; a larger IN {@code actual_length} is fatal (§1.8)
     */
    public record OutstandingSubmit(boolean in, boolean isochronous, int transferBufferLength) {
    }
}
