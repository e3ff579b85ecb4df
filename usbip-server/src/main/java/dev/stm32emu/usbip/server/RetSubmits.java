package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.message.IsoPacketDescriptor;
import dev.stm32emu.usbip.message.RetSubmit;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * Turns a device's {@link UrbResult} into a RET_SUBMIT the Linux client accepts (facts-usb.md §1.6,
 * §1.8, §2.7 item 5): IN data never longer than {@code transfer_buffer_length} and always exactly
 * {@code actual_length} bytes, no data for OUT, ISO fields only for ISO URBs, and an error status
 * instead of an exception.
 */
final class RetSubmits {
    private static final System.Logger LOG = System.getLogger(RetSubmits.class.getName());

    private RetSubmits() {
    }

    /**
     * @param urb    the request
     * @param result the device's result, or null if {@code error} is set
     * @param error  why the device failed the URB, or null
     * @param busid  for log lines
     * @return the reply
     */
    static RetSubmit of(Urb urb, UrbResult result, Throwable error, String busid) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            int status = cause instanceof CancellationException ? UrbResult.ESHUTDOWN : UrbResult.EPROTO;
            if (status == UrbResult.EPROTO) {
                LOG.log(Level.WARNING, "usbip: {0}: URB {1} failed in the device: {2}; answering -EPROTO",
                        busid, urb.seqnum(), cause.toString());
            }
            return urb.in() ? RetSubmit.in(urb.seqnum(), status, new byte[0]) : RetSubmit.out(urb.seqnum(), status, 0);
        }
        boolean iso = urb.isochronous();
        int startFrame = iso ? result.startFrame() : 0;
        int numberOfPackets = iso ? result.iso().size() : 0;     // non-ISO: 0, as the current stub sends
        int errorCount = iso ? result.errorCount() : 0;
        List<IsoPacketDescriptor> descriptors = iso ? result.iso() : List.of();
        if (urb.in()) {
            byte[] data = result.data();
            if (result.actualLength() != data.length) {
                LOG.log(Level.WARNING, "usbip: {0}: URB {1}: IN result has {2} data bytes but actualLength {3}; "
                        + "sending the data", busid, urb.seqnum(), data.length, result.actualLength());
            }
            if (data.length > urb.transferBufferLength()) {
                // vhci: actual_length > transfer_buffer_length is fatal (§1.8)
                LOG.log(Level.WARNING, "usbip: {0}: URB {1}: device returned {2} bytes for a {3}-byte buffer; clamped",
                        busid, urb.seqnum(), data.length, urb.transferBufferLength());
                data = Arrays.copyOf(data, urb.transferBufferLength());
            }
            return new RetSubmit(urb.seqnum(), true, result.status(), data.length, startFrame, numberOfPackets,
                    errorCount, data, descriptors);
        }
        if (result.dataView().hasRemaining()) {
            LOG.log(Level.WARNING, "usbip: {0}: URB {1}: OUT result carries data; dropped", busid, urb.seqnum());
        }
        int actualLength = Math.min(result.actualLength(), urb.transferBufferLength());
        return new RetSubmit(urb.seqnum(), false, result.status(), actualLength, startFrame, numberOfPackets,
                errorCount, new byte[0], descriptors);
    }
}
