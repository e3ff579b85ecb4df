package dev.stm32emu.core.usb;

/**
 * How a transfer ended.
 *
 * @param status       the outcome
 * @param data         IN data received (empty for OUT transfers)
 * @param actualLength bytes moved: received for IN, sent (and acknowledged) for OUT; on a
 *                     STALL, timeout or cancellation, the bytes moved before it
 * @param detail       why, for ERROR and the like ("" when there is nothing to add)
 */
public record TransferResult(Status status, byte[] data, int actualLength, String detail) {

    /** Outcomes; each maps onto one Linux URB status in the USB/IP bridge. */
    public enum Status {
        /** Completed. */
        OK,
        /** The device answered STALL (halted endpoint or unsupported request). */
        STALL,
        /** The transfer's virtual-time limit passed with the device still NAKing. */
        TIMEOUT,
        /** Cancelled by the caller or killed by a bus reset. */
        CANCELLED,
        /** The device was detached (or never attached). */
        DISCONNECTED,
        /** Protocol error: no handshake, babble, or more data than asked for. */
        ERROR
    }

    public TransferResult {
        data = data == null ? new byte[0] : data.clone();
        detail = detail == null ? "" : detail;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Whether the status is OK. */
    public boolean isOk() {
        return status == Status.OK;
    }

    @Override
    public String toString() {
        return "TransferResult[" + status + ", " + actualLength + " bytes" + (detail.isEmpty() ? "" : ", " + detail) + "]";
    }
}
