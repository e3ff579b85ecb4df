package dev.stm32emu.core.usb;

import dev.stm32emu.core.time.Scheduler;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A transfer submitted to a {@link UsbTransferEngine}: what was asked and, once it ends,
 * its {@link TransferResult}. The progress fields belong to the engine.
 */
public final class UsbTransfer {
    /** Where a control transfer is (USB 2.0 §8.5.3). */
    enum Stage { SETUP, DATA, STATUS }

    private final TransferType type;
    private final int endpoint;
    private final boolean in;
    private final SetupPacket setup;
    private final byte[] outData;
    private final int length;
    private final boolean zeroPacket;
    private final long timeoutPs;
    private final CompletableFuture<TransferResult> future = new CompletableFuture<>();

    Stage stage = Stage.SETUP;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    int sent;
    int packetsLeft = -1;
    Scheduler.Event timeout;

    UsbTransfer(TransferType type, int endpoint, boolean in, SetupPacket setup, byte[] outData, int length,
                boolean zeroPacket, long timeoutPs) {
        this.type = type;
        this.endpoint = endpoint;
        this.in = in;
        this.setup = setup;
        this.outData = outData == null ? new byte[0] : outData.clone();
        this.length = length;
        this.zeroPacket = zeroPacket;
        this.timeoutPs = timeoutPs;
    }

    public TransferType type() {
        return type;
    }

    /** The endpoint number (0-15). */
    public int endpoint() {
        return endpoint;
    }

    /** Data flows device to host (for control transfers: the data stage's direction). */
    public boolean isIn() {
        return in;
    }

    /** The endpoint address as in descriptors: number, plus 0x80 for IN (control: the number). */
    public int endpointAddress() {
        return type == TransferType.CONTROL ? endpoint : endpoint | (in ? 0x80 : 0);
    }

    /** The SETUP packet of a control transfer, else null. */
    public SetupPacket setup() {
        return setup;
    }

    /** Bytes asked for (IN) or to send (OUT). */
    public int length() {
        return length;
    }

    /** Virtual-time limit in picoseconds from submission; 0 for none. */
    public long timeoutPs() {
        return timeoutPs;
    }

    /** Completes (on the machine thread) when the transfer ends; completing the copy has no effect. */
    public CompletableFuture<TransferResult> result() {
        return future.copy();
    }

    /** Whether the transfer has ended. */
    public boolean isDone() {
        return future.isDone();
    }

    @Override
    public String toString() {
        return type + (type == TransferType.CONTROL ? " " + setup : (in ? " IN " : " OUT ") + "ep" + endpoint
                + " " + length + " bytes");
    }

    byte[] outData() {
        return outData;
    }

    boolean zeroPacket() {
        return zeroPacket;
    }

    /** Ends the transfer; false if it had already ended. */
    boolean finish(TransferResult result) {
        if (timeout != null) {
            timeout.cancel();
            timeout = null;
        }
        return future.complete(result);
    }

    /** The result for {@code status} with the bytes moved so far. */
    TransferResult partial(TransferResult.Status status, String detail) {
        byte[] data = received.toByteArray();
        return new TransferResult(status, data, in ? data.length : sent, detail);
    }
}
