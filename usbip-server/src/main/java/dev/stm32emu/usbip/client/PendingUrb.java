package dev.stm32emu.usbip.client;

import dev.stm32emu.usbip.codec.UsbIpDecoder;
import dev.stm32emu.usbip.server.UrbResult;

import java.util.concurrent.CompletableFuture;

/**
 * A submitted URB: completes with its {@link UrbResult} when the RET_SUBMIT arrives, with status
 * -ECONNRESET when an unlink cancelled it, or exceptionally with a {@link UsbIpException} when the
 * connection ends first. {@link #seqnum()} is the key for {@link ImportedDevice#unlink(int)}.
 * Cancelling this future does not unlink the URB; call {@link ImportedDevice#unlink(int)} for that.
 */
public final class PendingUrb extends CompletableFuture<UrbResult> {
    private final int seqnum;
    private final UsbIpDecoder.OutstandingSubmit shape;

    PendingUrb(int seqnum, UsbIpDecoder.OutstandingSubmit shape) {
        this.seqnum = seqnum;
        this.shape = shape;
    }

    /** @return the seqnum the client gave this URB */
    public int seqnum() {
        return seqnum;
    }

    UsbIpDecoder.OutstandingSubmit shape() {
        return shape;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();   // dependent stages are plain futures
    }

    @Override
    public String toString() {
        return "PendingUrb[seqnum=" + seqnum + ", " + super.toString() + "]";
    }
}
