package dev.stm32emu.cli.dfu;

/**
 * A control transfer failed (STALL, timeout, I/O error, device gone) where dfu-util 0.11
 * gives up. The message names the step, as dfu-util does ("Error during download get_status").
 */
public class DfuTransferException extends DfuException {

    private final TransferStatus status;

    public DfuTransferException(String step, TransferStatus status) {
        super(step + ": " + status);
        this.status = status;
    }

    /** How the transfer ended. */
    /** A failure that is not a single transfer's status (the device could not be reached at all). */
    public DfuTransferException(String message) {
        super(message);
        this.status = TransferStatus.ERROR;
    }

    public TransferStatus status() {
        return status;
    }
}
