package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.dfu.DfuFunctionalDescriptor;

/**
 * Whether a download can be verified by reading it back, and the sentence that says so. The
 * DFU functional descriptor's bitCanUpload (DFU 1.1 §4.1.3, Table 4.2) is the device's promise
 * that UPLOAD works; a device without it cannot be read back over DFU, so its download is
 * reported as not verified rather than failed.
 *
 * @param verify whether to read back and compare
 * @param reason one line for the summary and the report
 */
public record VerifyDecision(boolean verify, String reason) {

    /** The decision for a device with this functional descriptor. */
    public static VerifyDecision of(DfuFunctionalDescriptor functional) {
        if (functional.canUpload()) {
            return new VerifyDecision(true, "the device can upload (bitCanUpload): the written bytes are read back "
                    + "and compared");
        }
        return new VerifyDecision(false, String.format("not verified: the device cannot upload (bitCanUpload is 0 "
                + "in its DFU functional descriptor, bmAttributes 0x%02x), so what was written cannot be read back",
                functional.attributes()));
    }
}
