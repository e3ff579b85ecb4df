package dev.stm32emu.usbip.client;

import dev.stm32emu.usbip.codec.UsbIpDecoder;
import dev.stm32emu.usbip.codec.UsbIpProtocolViolation;
import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.message.CmdUnlink;
import dev.stm32emu.usbip.message.OpRepDevlist;
import dev.stm32emu.usbip.message.OpRepImport;
import dev.stm32emu.usbip.message.OpReqDevlist;
import dev.stm32emu.usbip.message.OpReqImport;
import dev.stm32emu.usbip.message.RetSubmit;
import dev.stm32emu.usbip.message.RetUnlink;
import dev.stm32emu.usbip.message.UsbIpMessage;
import dev.stm32emu.usbip.server.UrbResult;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client end of one connection: completes the operation reply, then matches RET_SUBMIT and
 * RET_UNLINK to what was sent. Outstanding URBs live in concurrent maps because user threads add
 * them while the event loop completes them; an entry stays in the map until its RET_SUBMIT has
 * been decoded, which is what the decoder needs to frame it ({@link UsbIpDecoder.OutstandingSubmits}).
 */
final class ClientConnection extends SimpleChannelInboundHandler<UsbIpMessage>
        implements UsbIpDecoder.OutstandingSubmits {
    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());

    private final String remote;
    private final CompletableFuture<UsbIpMessage> operationReply = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Map<Integer, PendingUrb> submits = new ConcurrentHashMap<>();
    private final Map<Integer, PendingUnlink> unlinks = new ConcurrentHashMap<>();
    private final AtomicInteger lastSeqnum = new AtomicInteger();
    private volatile String violation;
    private volatile String ioError;
    private volatile boolean closedByUs;

    ClientConnection(String remote) {
        this.remote = remote;
    }

    String remote() {
        return remote;
    }

    /** Completes with the first operation-phase reply, or exceptionally if the connection ends first. */
    CompletableFuture<UsbIpMessage> operationReply() {
        return operationReply;
    }

    /** Completes normally when closed by {@link #markClosedByUs()}, else with the reason. */
    CompletableFuture<Void> closed() {
        return closed;
    }

    void markClosedByUs() {
        closedByUs = true;
    }

    /** @return the next seqnum: unique on this connection, starting at 1, never 0 */
    int nextSeqnum() {
        int seqnum;
        do {
            seqnum = lastSeqnum.incrementAndGet();
        } while (seqnum == 0);
        return seqnum;
    }

    void addSubmit(PendingUrb urb) {
        submits.put(urb.seqnum(), urb);
    }

    void addUnlink(int seqnum, PendingUnlink unlink) {
        unlinks.put(seqnum, unlink);
    }

    /** Fails a URB whose CMD_SUBMIT could not be written. */
    void submitFailed(int seqnum, Throwable cause) {
        PendingUrb urb = submits.remove(seqnum);
        if (urb != null) {
            urb.completeExceptionally(closedException(cause));
        }
    }

    void unlinkFailed(int seqnum, Throwable cause) {
        PendingUnlink unlink = unlinks.remove(seqnum);
        if (unlink != null) {
            unlink.result().completeExceptionally(closedException(cause));
        }
    }

    @Override
    public UsbIpDecoder.OutstandingSubmit find(int seqnum) {
        PendingUrb urb = submits.get(seqnum);
        return urb == null ? null : urb.shape();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, UsbIpMessage message) {
        switch (message) {
            case OpRepDevlist _, OpRepImport _ -> operationReply.complete(message);
            case RetSubmit ret -> {
                PendingUrb urb = submits.remove(ret.seqnum());
                if (urb != null) {       // the decoder only lets through seqnums that are outstanding
                    urb.complete(new UrbResult(ret.status(), ret.actualLength(), ret.data(), ret.startFrame(),
                            ret.errorCount(), ret.iso()));
                }
            }
            case RetUnlink ret -> unlinked(ret);
            case OpReqDevlist _, OpReqImport _, CmdSubmit _, CmdUnlink _ -> {
                LOG.log(Level.WARNING, "usbip: {0}: unexpected {1}; closing", remote, message.getClass().getSimpleName());
                ctx.close();
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof UsbIpProtocolViolation(String reason)) {
            violation = reason;
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ioError = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        LOG.log(Level.DEBUG, "usbip: {0}: {1}", remote, cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        UsbIpException reason = closedException(null);
        operationReply.completeExceptionally(reason);
        for (Integer seqnum : List.copyOf(submits.keySet())) {
            PendingUrb urb = submits.remove(seqnum);
            if (urb != null) {
                urb.completeExceptionally(reason);
            }
        }
        for (Integer seqnum : List.copyOf(unlinks.keySet())) {
            PendingUnlink unlink = unlinks.remove(seqnum);
            if (unlink != null) {
                unlink.result().completeExceptionally(reason);
            }
        }
        if (closedByUs && violation == null) {
            closed.complete(null);
        } else {
            closed.completeExceptionally(reason);
        }
        super.channelInactive(ctx);
    }

    /**
     * RET_UNLINK: answers the unlink, and if the victim is still outstanding gives it back with the
     * unlink's status, as vhci does ({@code vhci_rx.c vhci_recv_ret_unlink}); -ECONNRESET means the
     * server cancelled it and will never send its RET_SUBMIT (facts-usb.md §1.7).
     */
    private void unlinked(RetUnlink ret) {
        PendingUnlink unlink = unlinks.remove(ret.seqnum());
        if (unlink == null) {
            LOG.log(Level.DEBUG, "usbip: {0}: RET_UNLINK for unknown seqnum {1}", remote, ret.seqnum());
            return;
        }
        PendingUrb victim = submits.remove(unlink.victimSeqnum());
        if (victim != null) {
            victim.complete(victim.shape().in()
                    ? UrbResult.of(ret.status(), new byte[0]) : UrbResult.ofOut(ret.status(), 0));
        }
        unlink.result().complete(ret.status());
    }

    /** @return why the connection is (about to be) unusable, as a CLI-ready exception */
    UsbIpException closedException(Throwable cause) {
        if (violation != null) {
            return new UsbIpException(UsbIpException.Kind.BAD_REPLY, "usbip: " + remote + ": bad reply: " + violation, cause);
        }
        if (closedByUs) {
            return new UsbIpException(UsbIpException.Kind.CONNECTION_CLOSED, "usbip: " + remote + ": connection closed", cause);
        }
        String detail = ioError == null ? "" : " (" + ioError + ")";
        return new UsbIpException(UsbIpException.Kind.CONNECTION_CLOSED,
                "usbip: " + remote + ": connection closed by the server" + detail, cause);
    }

    /**
     * An unlink in flight.
     *
     * @param victimSeqnum the URB to cancel
     * @param result       completes with the RET_UNLINK status
     */
    record PendingUnlink(int victimSeqnum, CompletableFuture<Integer> result) {
    }
}
