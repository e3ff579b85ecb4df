package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.message.ByteArrays;
import dev.stm32emu.usbip.message.IsoPacketDescriptor;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How a URB ended: the fields of a RET_SUBMIT (facts-usb.md §1.6).
 *
 * <p>{@code status} is 0 or a negative Linux errno (constants below). For IN URBs {@code data}
 * holds the bytes read and {@code actualLength == data.length}; the server never sends more than
 * the URB's {@code transferBufferLength}. For OUT URBs {@code data} is empty and
 * {@code actualLength} is the number of bytes the device accepted; a successful control OUT
 * must report the full wLength (§1.6).
 *
 * @param status       0 or a negative errno
 * @param actualLength bytes transferred
 * @param data         IN data, {@code actualLength} bytes; empty for OUT
 * @param startFrame   ISO start frame (0 otherwise)
 * @param errorCount   ISO packets with errors (0 otherwise)
 * @param iso          ISO packet results; empty for non-ISO
 */
public record UrbResult(int status, int actualLength, byte[] data, int startFrame, int errorCount,
                        List<IsoPacketDescriptor> iso) {
    /** -2: URB killed. */
    public static final int ENOENT = -2;
    /** -19: device gone. */
    public static final int ENODEV = -19;
    /** -32: endpoint stalled (libusb LIBUSB_ERROR_PIPE). */
    public static final int EPIPE = -32;
    /** -62: timer expired. */
    public static final int ETIME = -62;
    /** -71: protocol error (no handshake, bitstuff). */
    public static final int EPROTO = -71;
    /** -75: babble, the device sent more than asked. */
    public static final int EOVERFLOW = -75;
    /** -104: URB unlinked. */
    public static final int ECONNRESET = -104;
    /** -108: device shut down. */
    public static final int ESHUTDOWN = -108;
    /** -110: timed out. */
    public static final int ETIMEDOUT = -110;
    /** -121: short IN packet with {@link Urb#SHORT_NOT_OK}. */
    public static final int EREMOTEIO = -121;

    /** Copies the data and checks it against the actual length. */
    public UrbResult {
        if (actualLength < 0) {
            throw new IllegalArgumentException("negative actualLength " + actualLength);
        }
        data = ByteArrays.copy(data);
        if (data.length != 0 && data.length != actualLength) {
            throw new IllegalArgumentException("data length " + data.length + " != actualLength " + actualLength);
        }
        iso = List.copyOf(iso);
    }

    /**
     * @param inData the bytes an IN transfer read
     * @return success with that data
     */
    public static UrbResult ok(byte[] inData) {
        return of(0, inData);
    }

    /**
     * @param length the bytes an OUT transfer wrote
     * @return success
     */
    public static UrbResult okOut(int length) {
        return ofOut(0, length);
    }

    /**
     * @param negErrno a negative errno such as {@link #EPIPE}
     * @return a failure that moved no data
     */
    public static UrbResult error(int negErrno) {
        if (negErrno >= 0) {
            throw new IllegalArgumentException("an error status is a negative errno, got " + negErrno);
        }
        return of(negErrno, new byte[0]);
    }

    /**
     * @param status 0 or a negative errno
     * @param inData the IN bytes moved before the transfer ended (e.g. before a STALL)
     * @return an IN result
     */
    public static UrbResult of(int status, byte[] inData) {
        return new UrbResult(status, inData.length, inData, 0, 0, List.of());
    }

    /**
     * @param status       0 or a negative errno
     * @param actualLength the OUT bytes moved before the transfer ended
     * @return an OUT result
     */
    public static UrbResult ofOut(int status, int actualLength) {
        return new UrbResult(status, actualLength, new byte[0], 0, 0, List.of());
    }

    /** @return a copy of the IN data */
    @Override
    public byte[] data() {
        return ByteArrays.copy(data);
    }

    /** @return the IN data as a read-only view, without copying */
    public ByteBuffer dataView() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** @return true if the status is 0 */
    public boolean isOk() {
        return status == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UrbResult r && status == r.status && actualLength == r.actualLength
                && startFrame == r.startFrame && errorCount == r.errorCount
                && Arrays.equals(data, r.data) && iso.equals(r.iso);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, actualLength, Arrays.hashCode(data), startFrame, errorCount, iso);
    }

    @Override
    public String toString() {
        return "UrbResult[status=" + status + ", actualLength=" + actualLength + ", data=" + ByteArrays.summary(data)
                + (iso.isEmpty() ? "" : ", startFrame=" + startFrame + ", errorCount=" + errorCount + ", iso=" + iso)
                + "]";
    }
}
