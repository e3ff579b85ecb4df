package dev.stm32emu.cli.dfu;

/**
 * bState values of the DFU_GETSTATUS reply, numbered and worded as in DFU 1.1 §6.1.2
 * (Table 6.2). {@link #specName()} is the spelling dfu-util prints ({@code dfu.c dfu_state_to_string}).
 */
public enum DfuState {
    APP_IDLE(0, "appIDLE", "Device is running its normal application."),
    APP_DETACH(1, "appDETACH", "Device is running its normal application, has received the "
            + "DFU_DETACH request, and is waiting for a USB reset."),
    DFU_IDLE(2, "dfuIDLE", "Device is operating in the DFU mode and is waiting for requests."),
    DFU_DNLOAD_SYNC(3, "dfuDNLOAD-SYNC", "Device has received a block and is waiting for the host "
            + "to solicit the status via DFU_GETSTATUS."),
    DFU_DNBUSY(4, "dfuDNBUSY", "Device is programming a control-write block into its nonvolatile memories."),
    DFU_DNLOAD_IDLE(5, "dfuDNLOAD-IDLE", "Device is processing a download operation. Expecting DFU_DNLOAD requests."),
    DFU_MANIFEST_SYNC(6, "dfuMANIFEST-SYNC", "Device has received the final block of firmware from "
            + "the host and is waiting for receipt of DFU_GETSTATUS to begin the Manifestation phase; "
            + "or device has completed the Manifestation phase and is waiting for receipt of DFU_GETSTATUS."),
    DFU_MANIFEST(7, "dfuMANIFEST", "Device is in the Manifestation phase."),
    DFU_MANIFEST_WAIT_RESET(8, "dfuMANIFEST-WAIT-RESET", "Device has programmed its memories and is "
            + "waiting for a USB reset or a power on reset."),
    DFU_UPLOAD_IDLE(9, "dfuUPLOAD-IDLE", "The device is processing an upload operation. Expecting DFU_UPLOAD requests."),
    DFU_ERROR(10, "dfuERROR", "An error has occurred. Awaiting the DFU_CLRSTATUS request.");

    private static final DfuState[] BY_CODE = values();

    private final int code;
    private final String specName;
    private final String description;

    DfuState(int code, String specName, String description) {
        this.code = code;
        this.specName = specName;
        this.description = description;
    }

    public int code() {
        return code;
    }

    /** The name used in the DFU specification, e.g. {@code dfuDNLOAD-IDLE}. */
    public String specName() {
        return specName;
    }

    /** The specification's description of the state. */
    public String description() {
        return description;
    }

    /** The state with bState {@code code}, or null for a value the specification does not define. */
    public static DfuState fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The spec name of {@code code}, or "state N" for an undefined value. */
    public static String nameOf(int code) {
        DfuState s = fromCode(code);
        return s != null ? s.specName : "state " + code;
    }

    @Override
    public String toString() {
        return specName;
    }
}
