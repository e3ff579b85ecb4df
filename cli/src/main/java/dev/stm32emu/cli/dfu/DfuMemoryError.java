package dev.stm32emu.cli.dfu;

/**
 * What a {@link DfuMemory} operation can fail with. Narrower than {@link DfuStatus} on purpose
 * (usbd-dfu's DFUMemError): memory code cannot produce protocol-only statuses such as
 * errSTALLEDPKT. Each maps to the status the device reports.
 */
public enum DfuMemoryError {
    /** The address is outside the memory or not usable for the operation (AN3156: errTARGET). */
    TARGET(DfuStatus.ERR_TARGET),
    /** The address is out of range for programming. */
    ADDRESS(DfuStatus.ERR_ADDRESS),
    /** The erase did not work. */
    ERASE(DfuStatus.ERR_ERASE),
    /** The erased memory did not read back as erased. */
    CHECK_ERASED(DfuStatus.ERR_CHECK_ERASED),
    /** Programming failed. */
    PROG(DfuStatus.ERR_PROG),
    /** The memory could not be written at all. */
    WRITE(DfuStatus.ERR_WRITE),
    /** The programmed memory does not read back as written (e.g. programming over unerased NOR flash). */
    VERIFY(DfuStatus.ERR_VERIFY),
    /** Refused because of read protection (AN3156: errVENDOR). */
    PROTECTED(DfuStatus.ERR_VENDOR),
    /** Anything else. */
    UNKNOWN(DfuStatus.ERR_UNKNOWN);

    private final DfuStatus status;

    DfuMemoryError(DfuStatus status) {
        this.status = status;
    }

    /** The bStatus a DFU device reports for this error. */
    public DfuStatus status() {
        return status;
    }
}
