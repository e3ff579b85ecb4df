package dev.stm32emu.cli.dfu;

/**
 * How a {@link DfuStateMachine} behaves: the functional descriptor it announces and the
 * protocol details in which real devices differ.
 *
 * @param dfuse                bcdDFUVersion 0x011A and the ST extensions; false for plain DFU 1.1
 * @param interfaceNumber      the DFU interface; requests to other interfaces stall
 * @param transferSize         wTransferSize; longer DNLOAD/UPLOAD requests stall
 * @param attributes           bmAttributes of the functional descriptor
 * @param reportBusy           first GETSTATUS after a DNLOAD reports dfuDNBUSY (ST behaviour)
 * @param strictPollTimeout    requests before bwPollTimeout has elapsed are errors
 * @param answerInWaitReset    GETSTATUS in dfuMANIFEST-WAIT-RESET is answered (else: no answer)
 */
public record DfuDeviceConfig(boolean dfuse, int interfaceNumber, int transferSize, int attributes,
                              boolean reportBusy, boolean strictPollTimeout, boolean answerInWaitReset) {

    public DfuDeviceConfig {
        if (transferSize <= 0 || transferSize > 0xFFFF) {
            throw new IllegalArgumentException("wTransferSize " + transferSize);
        }
    }

    /** An STM32 ROM-like DfuSe device: download, upload, will detach (bmAttributes 0x0B). */
    public static DfuDeviceConfig dfuse(int transferSize) {
        return new DfuDeviceConfig(true, 0, transferSize, 0x0B, true, true, true);
    }

    /** A plain DFU 1.1 device: download, upload, manifestation tolerant (bmAttributes 0x07). */
    public static DfuDeviceConfig plain(int transferSize) {
        return new DfuDeviceConfig(false, 0, transferSize, 0x07, true, true, true);
    }

    public DfuDeviceConfig withAttributes(int a) {
        return new DfuDeviceConfig(dfuse, interfaceNumber, transferSize, a, reportBusy, strictPollTimeout,
                answerInWaitReset);
    }

    public DfuDeviceConfig withReportBusy(boolean b) {
        return new DfuDeviceConfig(dfuse, interfaceNumber, transferSize, attributes, b, strictPollTimeout,
                answerInWaitReset);
    }

    public DfuDeviceConfig withStrictPollTimeout(boolean b) {
        return new DfuDeviceConfig(dfuse, interfaceNumber, transferSize, attributes, reportBusy, b, answerInWaitReset);
    }

    public DfuDeviceConfig withAnswerInWaitReset(boolean b) {
        return new DfuDeviceConfig(dfuse, interfaceNumber, transferSize, attributes, reportBusy, strictPollTimeout, b);
    }
}
