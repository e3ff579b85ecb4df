package dev.stm32emu.cli.dfu;

/**
 * bStatus values of the DFU_GETSTATUS reply, numbered and worded as in DFU 1.1 §6.1.2
 * (Table 6.1); the wording is also what dfu-util prints ({@code dfu.c dfu_status_names}).
 */
public enum DfuStatus {
    OK(0x00, "OK", "No error condition is present."),
    ERR_TARGET(0x01, "errTARGET", "File is not targeted for use by this device."),
    ERR_FILE(0x02, "errFILE", "File is for this device but fails some vendor-specific verification test."),
    ERR_WRITE(0x03, "errWRITE", "Device is unable to write memory."),
    ERR_ERASE(0x04, "errERASE", "Memory erase function failed."),
    ERR_CHECK_ERASED(0x05, "errCHECK_ERASED", "Memory erase check failed."),
    ERR_PROG(0x06, "errPROG", "Program memory function failed."),
    ERR_VERIFY(0x07, "errVERIFY", "Programmed memory failed verification."),
    ERR_ADDRESS(0x08, "errADDRESS", "Cannot program memory due to received address that is out of range."),
    ERR_NOTDONE(0x09, "errNOTDONE", "Received DFU_DNLOAD with wLength = 0, but device does not think "
            + "it has all of the data yet."),
    ERR_FIRMWARE(0x0A, "errFIRMWARE", "Device's firmware is corrupt. It cannot return to run-time "
            + "(non-DFU) operations."),
    ERR_VENDOR(0x0B, "errVENDOR", "iString indicates a vendor-specific error."),
    ERR_USBR(0x0C, "errUSBR", "Device detected unexpected USB reset signaling."),
    ERR_POR(0x0D, "errPOR", "Device detected unexpected power on reset."),
    ERR_UNKNOWN(0x0E, "errUNKNOWN", "Something went wrong, but the device does not know what it was."),
    ERR_STALLEDPKT(0x0F, "errSTALLEDPKT", "Device stalled an unexpected request.");

    private static final DfuStatus[] BY_CODE = values();

    private final int code;
    private final String specName;
    private final String description;

    DfuStatus(int code, String specName, String description) {
        this.code = code;
        this.specName = specName;
        this.description = description;
    }

    public int code() {
        return code;
    }

    /** The name used in the DFU specification, e.g. {@code errTARGET}. */
    public String specName() {
        return specName;
    }

    /** The specification's description of the status. */
    public String description() {
        return description;
    }

    /** The status with bStatus {@code code}, or null for a value the specification does not define. */
    public static DfuStatus fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The spec name of {@code code}, or "status 0xNN" for an undefined value. */
    public static String nameOf(int code) {
        DfuStatus s = fromCode(code);
        return s != null ? s.specName : String.format("status 0x%02x", code);
    }

    @Override
    public String toString() {
        return specName;
    }
}
