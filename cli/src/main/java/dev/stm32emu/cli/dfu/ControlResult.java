package dev.stm32emu.cli.dfu;

import java.util.Arrays;
import java.util.Objects;

/**
 * The outcome of one control transfer.
 *
 * @param status how the transfer ended
 * @param data   the data stage received from the device (IN transfers; empty for OUT and on failure)
 * @param length bytes moved in the data stage: {@code data.length} for IN, bytes accepted for OUT
 */
public record ControlResult(TransferStatus status, byte[] data, int length) {

    public ControlResult {
        Objects.requireNonNull(status, "status");
        data = data == null ? new byte[0] : data.clone();
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
    }

    /** A completed IN transfer that returned {@code data}. */
    public static ControlResult in(byte[] data) {
        return new ControlResult(TransferStatus.OK, data, data.length);
    }

    /** A completed OUT transfer that moved {@code length} bytes. */
    public static ControlResult out(int length) {
        return new ControlResult(TransferStatus.OK, null, length);
    }

    /** A failed transfer. */
    public static ControlResult failed(TransferStatus status) {
        if (status == TransferStatus.OK) {
            throw new IllegalArgumentException("a failure needs a failure status");
        }
        return new ControlResult(status, null, 0);
    }

    public boolean ok() {
        return status == TransferStatus.OK;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlResult r && r.status == status && r.length == length
                && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, length, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return status == TransferStatus.OK ? "OK(" + length + " bytes)" : status.name();
    }
}
