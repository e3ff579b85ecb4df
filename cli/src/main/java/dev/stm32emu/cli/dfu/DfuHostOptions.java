package dev.stm32emu.cli.dfu;

import java.util.Objects;

/**
 * How the host behaves where dfu-util has options or where versions differ.
 *
 * <p>The defaults reproduce dfu-util 0.11, the version Debian 12 ships and the one the
 * emulator's bootloaders must satisfy: a DfuSe device whose first GETSTATUS after a special
 * command says dfuDNLOAD-IDLE instead of dfuDNBUSY makes the host fail with "Wrong state after
 * command", exactly as 0.11 does, because a bootloader that passes these tests must also pass
 * with the real tool. {@link #acceptIdleAfterCommand()} relaxes that as dfu-util after 0.11 does.
 *
 * @param transferSize               dfu-util -t: override wTransferSize; 0 uses the device's
 * @param acceptIdleAfterCommand     accept dfuDNLOAD-IDLE as the first state after a DfuSe special
 *                                   command (dfu-util after 0.11); false = 0.11
 * @param tolerateResetReenumeration treat "device gone" from the reset after dfuMANIFEST-WAIT-RESET as
 *                                   success (dfu-util after 0.11); false = 0.11, which fails there
 * @param verify                     after a DfuSe download, read every element back and compare
 *                                   (not a dfu-util feature; it adds uploads to the request sequence)
 * @param listener                   progress reports
 */
public record DfuHostOptions(int transferSize, boolean acceptIdleAfterCommand, boolean tolerateResetReenumeration,
                             boolean verify, DfuProgressListener listener) {

    /** dfu-util 0.11 behaviour, no progress reports. */
    public static final DfuHostOptions DFU_UTIL_0_11 =
            new DfuHostOptions(0, false, false, false, DfuProgressListener.NONE);

    public DfuHostOptions {
        Objects.requireNonNull(listener, "listener");
        if (transferSize < 0 || transferSize > 0xFFFF) {
            throw new IllegalArgumentException("transfer size " + transferSize);
        }
    }

    public DfuHostOptions withTransferSize(int size) {
        return new DfuHostOptions(size, acceptIdleAfterCommand, tolerateResetReenumeration, verify, listener);
    }

    public DfuHostOptions withAcceptIdleAfterCommand(boolean accept) {
        return new DfuHostOptions(transferSize, accept, tolerateResetReenumeration, verify, listener);
    }

    public DfuHostOptions withTolerateResetReenumeration(boolean tolerate) {
        return new DfuHostOptions(transferSize, acceptIdleAfterCommand, tolerate, verify, listener);
    }

    public DfuHostOptions withVerify(boolean v) {
        return new DfuHostOptions(transferSize, acceptIdleAfterCommand, tolerateResetReenumeration, v, listener);
    }

    public DfuHostOptions withListener(DfuProgressListener l) {
        return new DfuHostOptions(transferSize, acceptIdleAfterCommand, tolerateResetReenumeration, verify, l);
    }
}
