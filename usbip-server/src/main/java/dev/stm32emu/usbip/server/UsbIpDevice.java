package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.message.UsbDeviceInfo;

import java.util.concurrent.CompletionStage;

/**
 * A USB device that a {@link UsbIpServer} exports.
 *
 * <p>The server calls {@link #info()} from any thread and every other method on a Netty event
 * loop thread: implementations must return quickly and never block (post the work to the thread
 * that owns the device and complete the returned stage from there). Calls for one import come from
 * one thread, in order.
 */
public interface UsbIpDevice {
    /**
     * @return the record sent in DEVLIST and IMPORT replies; its {@link UsbDeviceInfo#busid()} at
     *         export time is the export key (later changes to it are ignored)
     */
    UsbDeviceInfo info();

    /**
     * Starts a transfer. Many URBs may be outstanding at once; they may complete on any thread and,
     * across endpoints, in any order.
     *
     * @param urb the request
     * @return completes with the result; completing it exceptionally reports -EPROTO to the client
     */
    CompletionStage<UrbResult> submit(Urb urb);

    /**
     * Cancels a pending URB (the client sent CMD_UNLINK). Whatever this returns, the client has
     * been told the URB was unlinked and the server drops its result (facts-usb.md §1.7).
     *
     * @param seqnum the URB's seqnum
     * @return true if the URB was still pending and is now cancelled
     */
    boolean unlink(int seqnum);

    /**
     * Tells the server which endpoints are isochronous, because only ISO URBs carry packet
     * descriptors on the wire and the wire does not say which URBs are ISO (facts-usb.md §1.6).
     * Answer from the active configuration and alternate settings.
     *
     * @param endpoint endpoint number 0..15
     * @param in       direction
     * @return true if that endpoint is isochronous
     */
    default boolean isIsochronous(int endpoint, boolean in) {
        return false;
    }

    /**
     * A client imported the device; URBs follow. Throwing refuses the import with ST_DEV_ERR.
     * Never overlaps {@link #released()}: the previous importer's release has returned first.
     */
    default void imported() {
    }

    /**
     * The importing connection closed (the client left, the device was withdrawn or the server
     * closed): cancel everything pending. Results still arriving are dropped. Once this returns the
     * device can be imported again.
     */
    default void released() {
    }
}
