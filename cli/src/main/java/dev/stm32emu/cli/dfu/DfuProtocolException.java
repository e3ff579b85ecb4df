package dev.stm32emu.cli.dfu;

/**
 * The device answered, but with a state or status that dfu-util 0.11 treats as fatal. The
 * message carries the state and status names, e.g. {@code ERASE_PAGE 0x08040000 not correctly
 * executed: device reported errTARGET in state dfuERROR: address not accepted by the device}.
 */
public class DfuProtocolException extends DfuException {

    private final DfuStatusReport report;

    public DfuProtocolException(String what, DfuStatusReport report, boolean dfuse) {
        super(what + ": device reported " + DfuStatus.nameOf(report.statusCode()) + " in state "
                + DfuState.nameOf(report.stateCode()) + ": " + explain(report, dfuse));
        this.report = report;
    }

    /** The GETSTATUS reply that ended the operation. */
    public DfuStatusReport report() {
        return report;
    }

    /** The DFU state the device reported. */
    public DfuState state() {
        return report.state();
    }

    /** The DFU status the device reported. */
    public DfuStatus status() {
        return report.status();
    }

    private static String explain(DfuStatusReport r, boolean dfuse) {
        DfuStatus s = r.status();
        if (s == null) {
            return "undefined status code";
        }
        if (dfuse) {
            // AN3156 §6: the DfuSe ROM bootloaders report a refused address as errTARGET and an
            // operation refused because of read protection as errVENDOR.
            if (s == DfuStatus.ERR_TARGET) {
                return "address not accepted by the device (outside its memory or not writeable)";
            }
            if (s == DfuStatus.ERR_VENDOR) {
                return "refused by the device, read protection is probably active";
            }
        }
        if (s == DfuStatus.OK) {
            return "wrong state for this step";
        }
        return s.description();
    }
}
