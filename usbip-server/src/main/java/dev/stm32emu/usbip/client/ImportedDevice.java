package dev.stm32emu.usbip.client;

import dev.stm32emu.usbip.codec.UsbIpDecoder;
import dev.stm32emu.usbip.message.CmdUnlink;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import io.netty.channel.Channel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A device imported from a USB/IP server: the connection is in the URB phase and URBs can be
 * submitted and unlinked from any thread. Many URBs may be outstanding at once.
 *
 * <p>Seqnums are assigned by this client, starting at 1, shared by submits and unlinks. The
 * connection ends when {@link #close()} is called or when the server closes it (for instance
 * because the device was withdrawn); {@link #closed()} tells which, and every outstanding URB and
 * unlink then fails with a {@link UsbIpException}.
 */
public final class ImportedDevice implements AutoCloseable {
    private final Channel channel;
    private final ClientConnection connection;
    private final UsbDeviceInfo info;
    private final int devid;

    ImportedDevice(Channel channel, ClientConnection connection, UsbDeviceInfo info) {
        this.channel = channel;
        this.connection = connection;
        this.info = info;
        // what usbip attach hands to vhci: busnum and devnum truncated to 8 bits (facts-usb.md §1.5)
        this.devid = (info.busnum() & 0xff) << 16 | (info.devnum() & 0xff);
    }

    /**
     * @return the device record from the IMPORT reply (which carries no interface records, so the
     *         interface list is empty)
     */
    public UsbDeviceInfo info() {
        return info;
    }

    /** @return the devid put in every request: {@code (busnum << 16) | devnum}, each truncated to 8 bits */
    public int devid() {
        return devid;
    }

    /**
     * Sends a CMD_SUBMIT.
     *
     * @param request the URB
     * @return completes with the result (status -ECONNRESET if an unlink cancelled it), or
     *         exceptionally with a {@link UsbIpException} if the connection ends first
     */
    public PendingUrb submit(UrbRequest request) {
        int seqnum = connection.nextSeqnum();
        PendingUrb urb = new PendingUrb(seqnum, new UsbIpDecoder.OutstandingSubmit(
                request.in(), request.isochronous(), request.transferBufferLength()));
        // registered before the write, so the decoder can frame the reply however fast it comes
        connection.addSubmit(urb);
        channel.writeAndFlush(request.toCmdSubmit(seqnum, devid)).addListener(written -> {
            if (!written.isSuccess()) {
                connection.submitFailed(seqnum, written.cause());
            }
        });
        return urb;
    }

    /**
     * Sends a CMD_UNLINK for a submitted URB.
     *
     * @param seqnum the URB's {@link PendingUrb#seqnum()}
     * @return completes with the RET_UNLINK status: -104 (ECONNRESET) if the server cancelled the
     *         URB, 0 if it had already completed
     */
    public CompletionStage<Integer> unlink(int seqnum) {
        int unlinkSeqnum = connection.nextSeqnum();
        CompletableFuture<Integer> result = new CompletableFuture<>();
        connection.addUnlink(unlinkSeqnum, new ClientConnection.PendingUnlink(seqnum, result));
        channel.writeAndFlush(new CmdUnlink(unlinkSeqnum, devid, seqnum)).addListener(written -> {
            if (!written.isSuccess()) {
                connection.unlinkFailed(unlinkSeqnum, written.cause());
            }
        });
        return result;
    }

    /**
     * @return completes normally after {@link #close()}, or exceptionally with a
     *         {@link UsbIpException} when the server closed the connection or broke the protocol
     */
    public CompletionStage<Void> closed() {
        return connection.closed();
    }

    /** @return true while the connection is open */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Closes the connection; the server sees the device released. Waits unless called from the client's event loop. */
    @Override
    public void close() {
        connection.markClosedByUs();
        var future = channel.close();
        if (!channel.eventLoop().inEventLoop()) {
            future.awaitUninterruptibly();
            connection.closed().exceptionally(e -> null).join();
        }
    }

    @Override
    public String toString() {
        return "ImportedDevice[" + info.busid() + " at " + connection.remote() + "]";
    }
}
