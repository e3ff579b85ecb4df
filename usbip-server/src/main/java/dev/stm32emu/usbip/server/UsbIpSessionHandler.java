package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.codec.UsbIpDecoder;
import dev.stm32emu.usbip.codec.UsbIpProtocolViolation;
import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.message.CmdUnlink;
import dev.stm32emu.usbip.message.OpRepDevlist;
import dev.stm32emu.usbip.message.OpRepImport;
import dev.stm32emu.usbip.message.OpReqDevlist;
import dev.stm32emu.usbip.message.OpReqImport;
import dev.stm32emu.usbip.message.OpStatus;
import dev.stm32emu.usbip.message.RetSubmit;
import dev.stm32emu.usbip.message.RetUnlink;
import dev.stm32emu.usbip.message.UsbIpMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One USB/IP connection on the server: answers DEVLIST, imports a device, then passes URBs to it
 * and sends back its results.
 *
 * <p>All state lives on the channel's event loop. Device completions, which may arrive on any
 * thread, are posted to the event loop and checked against the pending table there, so a
 * completion and an unlink can never race: whichever runs first decides (facts-usb.md §1.7). A
 * URB still pending when CMD_UNLINK arrives is cancelled, answered with RET_UNLINK(-ECONNRESET), and
 * its result is dropped whenever it comes, because vhci treats a RET_SUBMIT for an unknown seqnum as
 * fatal. A URB already answered gets RET_UNLINK(0).
 *
 * <p>Reading pauses while the client has too much outstanding ({@value #MAX_PENDING_URBS} URBs or
 * {@value #MAX_PENDING_OUT_BYTES} bytes of OUT data) or while the socket is not writable, so a
 * client cannot make the server buffer without bound.
 */
final class UsbIpSessionHandler extends SimpleChannelInboundHandler<UsbIpMessage> {
    static final int MAX_PENDING_URBS = 1024;
    static final long MAX_PENDING_OUT_BYTES = 16L << 20;
    private static final long OPERATION_TIMEOUT_SECONDS = 30;
    private static final System.Logger LOG = System.getLogger(UsbIpSessionHandler.class.getName());

    private final ExportTable exports;
    private final Map<Integer, Urb> pending = new HashMap<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private long pendingOutBytes;
    private ChannelHandlerContext ctx;
    private Export export;
    private boolean closing;
    private ScheduledFuture<?> operationTimeout;

    UsbIpSessionHandler(ExportTable exports) {
        this.exports = exports;
    }

    /** Decoder callback: whether an endpoint of the imported device carries ISO descriptors. */
    boolean isIsochronous(int endpoint, boolean in) {
        if (export == null) {
            return false;
        }
        try {
            return export.device().isIsochronous(endpoint, in);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "usbip: " + export.busid() + ": isIsochronous failed; assuming not ISO", e);
            return false;
        }
    }

    /**
     * Closes the connection once every reply produced so far is written (facts-usb.md §2.7 item 7).
     * Callable from any thread: completions posted before this call are handled first, because the
     * event loop runs its tasks in order.
     *
     * @return completes when the connection is closed and the device released
     */
    CompletionStage<Void> closeForWithdrawal() {
        runOnEventLoop(() -> {
            if (!closing) {
                closing = true;
                LOG.log(Level.INFO, "usbip: {0}: withdrawn; closing the connection to {1}",
                        export.busid(), ctx.channel().remoteAddress());
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        });
        return released;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        LOG.log(Level.DEBUG, "usbip: connection from {0}", context.channel().remoteAddress());
        operationTimeout = context.executor().schedule(() -> {
            if (export == null && !closing) {
                LOG.log(Level.INFO, "usbip: {0}: no request within {1} s; closing",
                        context.channel().remoteAddress(), OPERATION_TIMEOUT_SECONDS);
                context.close();
            }
        }, OPERATION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        super.channelActive(context);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, UsbIpMessage message) {
        if (closing) {
            return;                 // the connection is on its way out; nothing more is answered
        }
        switch (message) {
            case OpReqDevlist _ -> replyToDevlist();
            case OpReqImport request -> importDevice(request.busid());
            case CmdSubmit submit -> submit(submit);
            case CmdUnlink unlink -> unlink(unlink);
            case OpRepDevlist _, OpRepImport _, RetSubmit _, RetUnlink _ -> {
                // a server-role decoder never produces replies
                LOG.log(Level.WARNING, "usbip: {0}: unexpected {1}; closing",
                        context.channel().remoteAddress(), message.getClass().getSimpleName());
                closeNow();
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
        updateReading();
        super.channelWritabilityChanged(context);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event instanceof UsbIpProtocolViolation) {
            closing = true;         // the decoder logged the reason and is closing the channel
            return;
        }
        super.userEventTriggered(context, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.log(Level.DEBUG, "usbip: {0}: {1}", context.channel().remoteAddress(), cause.toString());
        } else {
            LOG.log(Level.WARNING, "usbip: " + context.channel().remoteAddress() + ": unexpected error; closing", cause);
        }
        closeNow();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        closing = true;
        if (operationTimeout != null) {
            operationTimeout.cancel(false);
        }
        if (export != null) {
            pending.clear();        // results still on their way are dropped by complete()
            pendingOutBytes = 0;
            export.release(this);   // device.released(), then importable again
            LOG.log(Level.INFO, "usbip: {0}: released by {1}", export.busid(), context.channel().remoteAddress());
        }
        released.complete(null);
        super.channelInactive(context);
    }

    private void replyToDevlist() {
        // usbipd answers one request per connection and closes (facts-usb.md §1.1)
        closing = true;
        ctx.writeAndFlush(OpRepDevlist.of(exports.importable())).addListener(ChannelFutureListener.CLOSE);
    }

    private void importDevice(String busid) {
        Export candidate = exports.find(busid);
        Export.Claim claim = candidate == null ? Export.Claim.WITHDRAWN : candidate.claim(this);
        switch (claim) {
            // usbipd answers ST_NODEV for an unknown bus id (usbipd.c recv_request_import)
            case WITHDRAWN -> refuseImport(busid, OpStatus.NODEV, "no such device");
            // and ST_DEV_BUSY for a device in use (usbip_host_common.c usbip_export_device)
            case BUSY -> refuseImport(busid, OpStatus.DEV_BUSY, "already imported");
            case DEVICE_ERROR -> refuseImport(busid, OpStatus.DEV_ERR, "device error");
            case CLAIMED -> acceptImport(candidate);
        }
    }

    private void acceptImport(Export claimed) {
        export = claimed;
        operationTimeout.cancel(false);
        // from the next byte on, this socket carries URBs (facts-usb.md §1.1)
        ctx.pipeline().get(UsbIpDecoder.class).enterUrbPhase();
        ctx.writeAndFlush(OpRepImport.ok(claimed.info()));
        LOG.log(Level.INFO, "usbip: {0}: imported by {1}", claimed.busid(), ctx.channel().remoteAddress());
    }

    private void refuseImport(String busid, OpStatus status, String why) {
        LOG.log(Level.INFO, "usbip: {0}: import of \"{1}\" refused: {2}", ctx.channel().remoteAddress(), busid, why);
        closing = true;
        ctx.writeAndFlush(OpRepImport.failed(status)).addListener(ChannelFutureListener.CLOSE);
    }

    private void submit(CmdSubmit command) {
        int seqnum = command.seqnum();
        if (pending.containsKey(seqnum)) {
            // an unlink could not tell the two apart; vhci never reuses a pending seqnum
            LOG.log(Level.WARNING, "usbip: {0}: CMD_SUBMIT reuses pending seqnum {1}; closing",
                    ctx.channel().remoteAddress(), seqnum);
            closeNow();
            return;
        }
        Urb urb = Urb.from(command);
        pending.put(seqnum, urb);
        pendingOutBytes += urb.in() ? 0 : urb.transferBufferLength();
        updateReading();
        CompletionStage<UrbResult> stage;
        try {
            stage = export.device().submit(urb);
            if (stage == null) {
                throw new NullPointerException("submit returned null");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "usbip: " + export.busid() + ": submit of " + urb + " failed", e);
            complete(urb, null, e);
            return;
        }
        stage.whenComplete((result, error) -> runOnEventLoop(() -> complete(urb, result, error)));
    }

    /** Sends the RET_SUBMIT, unless the URB was unlinked or the connection closed meanwhile. */
    private void complete(Urb urb, UrbResult result, Throwable error) {
        if (pending.get(urb.seqnum()) != urb) {
            LOG.log(Level.DEBUG, "usbip: dropping the result of URB {0}: unlinked or connection closed", urb.seqnum());
            return;
        }
        forget(urb);
        ctx.writeAndFlush(RetSubmits.of(urb, result, error, export.busid()));
        updateReading();
    }

    private void unlink(CmdUnlink command) {
        Urb victim = pending.get(command.unlinkSeqnum());
        int status;
        if (victim != null) {
            forget(victim);
            boolean cancelled = false;
            try {
                cancelled = export.device().unlink(victim.seqnum());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "usbip: " + export.busid() + ": unlink of " + victim.seqnum() + " failed", e);
            }
            if (!cancelled) {
                LOG.log(Level.DEBUG, "usbip: {0}: device had already finished URB {1}; its result will be dropped",
                        export.busid(), victim.seqnum());
            }
            status = UrbResult.ECONNRESET;      // and never a RET_SUBMIT for it (§1.7)
        } else {
            LOG.log(Level.INFO, "usbip: {0}: CMD_UNLINK {1} for URB {2}, which is not pending "
                    + "(already completed or unknown): status 0", export.busid(), command.seqnum(),
                    command.unlinkSeqnum());
            status = 0;
        }
        // RET_UNLINK carries the CMD_UNLINK's own seqnum (§1.6)
        ctx.writeAndFlush(new RetUnlink(command.seqnum(), status));
        updateReading();
    }

    private void forget(Urb urb) {
        pending.remove(urb.seqnum());
        pendingOutBytes -= urb.in() ? 0 : urb.transferBufferLength();
    }

    private void updateReading() {
        boolean read = ctx.channel().isWritable()
                && pending.size() < MAX_PENDING_URBS && pendingOutBytes < MAX_PENDING_OUT_BYTES;
        if (ctx.channel().config().isAutoRead() != read) {
            LOG.log(Level.DEBUG, "usbip: {0}: {1} reading ({2} URBs, {3} OUT bytes pending)",
                    ctx.channel().remoteAddress(), read ? "resuming" : "pausing", pending.size(), pendingOutBytes);
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void closeNow() {
        closing = true;
        ctx.close();
    }

    private void runOnEventLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "usbip: event loop shut down; dropping a late task");
        }
    }
}
