package dev.stm32emu.cli.dfu;

import java.util.ArrayList;
import java.util.List;

/**
 * The DFU requests of one opened interface and the steps dfu-util builds from them: dfu.c
 * ({@code dfu_get_status}, {@code dfu_abort_to_idle}, ...) and the common start of main.c
 * (SET_INTERFACE, the GETSTATUS/CLRSTATUS/ABORT loop, the transfer size). Every wait goes to the
 * transport; failures carry dfu-util's wording for the step.
 */
final class DfuSession {

    /** dfu-util loops on the start status without bound; a device cycling states ends here instead. */
    private static final int MAX_START_ROUNDS = 64;
    /** dfu-util's Linux build caps the transfer size (main.c: "limited to 4k in libusb Linux backend"). */
    static final int MAX_TRANSFER_SIZE = 4096;

    private final MeteredTransport transport;
    private final DfuInterface dfuInterface;
    private final DfuHostOptions options;
    private final List<String> warnings = new ArrayList<>();

    DfuSession(MeteredTransport transport, DfuInterface dfuInterface, DfuHostOptions options) {
        this.transport = transport;
        this.dfuInterface = dfuInterface;
        this.options = options;
    }

    DfuInterface dfuInterface() {
        return dfuInterface;
    }

    DfuHostOptions options() {
        return options;
    }

    MeteredTransport transport() {
        return transport;
    }

    List<String> warnings() {
        return warnings;
    }

    void warn(String w) {
        warnings.add(w);
    }

    /** The listener, for the operation classes. */
    DfuProgressListener listener() {
        return options.listener();
    }

    /**
     * The start of main.c after claiming the interface: SET_INTERFACE (always sent, because
     * dfu-util sets DFU_IFF_ALT for every interface), then GETSTATUS and its sleep until the device
     * is idle: CLRSTATUS from dfuERROR, ABORT from dfuDNLOAD-IDLE/dfuUPLOAD-IDLE, failure in
     * appIDLE/appDETACH; finally one CLRSTATUS round if bStatus is still not OK.
     */
    DfuStatusReport start() throws DfuException {
        setAlternate(dfuInterface.alternateSetting());
        DfuStatusReport st = null;
        for (int round = 0; round < MAX_START_ROUNDS; round++) {
            st = getStatus("error get_status");
            transport.pollWait(st.pollTimeoutMillis());
            DfuState s = st.state();
            if (s == DfuState.APP_IDLE || s == DfuState.APP_DETACH) {
                throw new DfuProtocolException("Device still in Run-Time Mode!", st, false);
            }
            if (s == DfuState.DFU_ERROR) {
                warn("Clearing status (device was in dfuERROR/" + DfuStatus.nameOf(st.statusCode()) + ")");
                clearStatus("error clear_status");
                continue;
            }
            if (s == DfuState.DFU_DNLOAD_IDLE || s == DfuState.DFU_UPLOAD_IDLE) {
                warn("Aborting previous incomplete transfer");
                abort("can't send DFU_ABORT");
                continue;
            }
            break;
        }
        if (st.state() == DfuState.DFU_ERROR || st.isState(DfuState.DFU_DNLOAD_IDLE)
                || st.isState(DfuState.DFU_UPLOAD_IDLE)) {
            throw new DfuProtocolException("Device does not leave " + DfuState.nameOf(st.stateCode()), st, false);
        }
        if (!st.isOk()) {
            warn("DFU Status: '" + DfuStatus.nameOf(st.statusCode()) + "'");
            clearStatus("USB communication error");
            st = getStatus("USB communication error");
            if (!st.isOk()) {
                throw new DfuProtocolException("Status is not OK", st, false);
            }
            transport.pollWait(st.pollTimeoutMillis());
        }
        return st;
    }

    /**
     * The transfer size as main.c computes it: wTransferSize, or the -t override (a warning when
     * both exist); then capped at 4096 and raised to bMaxPacketSize0.
     */
    int transferSize() throws DfuInputException {
        int size = options.transferSize();
        int func = dfuInterface.functional().transferSize();
        if (func != 0) {
            if (size == 0) {
                size = func;
            } else {
                warn("Overriding device-reported transfer size " + func + " with " + size);
            }
        } else if (size == 0) {
            throw new DfuInputException("Transfer size must be specified (the device reports none)");
        }
        if (size > MAX_TRANSFER_SIZE) {
            warn("Limited transfer size to " + MAX_TRANSFER_SIZE);
            size = MAX_TRANSFER_SIZE;
        }
        if (size < dfuInterface.maxPacketSize0()) {
            warn("Adjusted transfer size to " + dfuInterface.maxPacketSize0());
            size = dfuInterface.maxPacketSize0();
        }
        return size;
    }

    /** SET_INTERFACE to {@code alt} (libusb_set_interface_alt_setting). */
    void setAlternate(int alt) throws DfuTransferException {
        ControlResult r = transport.controlOut(DfuRequest.setInterface(dfuInterface.interfaceNumber(), alt), new byte[0]);
        if (!r.ok()) {
            throw new DfuTransferException("Cannot set alternate interface " + alt, r.status());
        }
    }

    /**
     * GETSTATUS, failing with {@code step} when the transfer fails. A reply that is not 6 bytes
     * long reads as dfuERROR/errUNKNOWN, as in dfu.c.
     */
    DfuStatusReport getStatus(String step) throws DfuTransferException {
        ControlResult r = getStatusTransfer();
        if (!r.ok()) {
            throw new DfuTransferException(step, r.status());
        }
        return DfuStatusReport.parse(r.data());
    }

    /** GETSTATUS {@code A1 03 0000 intf 0006}, the raw transfer (callers that tolerate a STALL). */
    ControlResult getStatusTransfer() {
        return transport.controlIn(DfuRequest.GETSTATUS.setup(0, dfuInterface.interfaceNumber(), DfuStatusReport.LENGTH));
    }

    /** CLRSTATUS {@code 21 04 0000 intf 0000}. */
    void clearStatus(String step) throws DfuTransferException {
        ControlResult r = transport.controlOut(DfuRequest.CLRSTATUS.setup(0, dfuInterface.interfaceNumber(), 0), new byte[0]);
        if (!r.ok()) {
            throw new DfuTransferException(step, r.status());
        }
    }

    /** ABORT {@code 21 06 0000 intf 0000}. */
    void abort(String step) throws DfuTransferException {
        ControlResult r = transport.controlOut(DfuRequest.ABORT.setup(0, dfuInterface.interfaceNumber(), 0), new byte[0]);
        if (!r.ok()) {
            throw new DfuTransferException(step, r.status());
        }
    }

    /**
     * DNLOAD {@code 21 01 block intf len} with {@code data}; the number of bytes the device took.
     * A failed transfer throws with {@code step}.
     */
    int download(int block, byte[] data, String step) throws DfuTransferException {
        ControlResult r = transport.controlOut(DfuRequest.DNLOAD.setup(block, dfuInterface.interfaceNumber(),
                data.length), data);
        if (!r.ok()) {
            throw new DfuTransferException(step, r.status());
        }
        return r.length();
    }

    /** UPLOAD {@code A1 02 block intf len}; the bytes received (fewer than {@code length} is a short frame). */
    byte[] upload(int block, int length, String step) throws DfuTransferException {
        ControlResult r = transport.controlIn(DfuRequest.UPLOAD.setup(block, dfuInterface.interfaceNumber(), length));
        if (!r.ok()) {
            throw new DfuTransferException(step, r.status());
        }
        return r.data();
    }

    /**
     * dfu.c {@code dfu_abort_to_idle}: ABORT, GETSTATUS, the state must be dfuIDLE, then sleep
     * bwPollTimeout.
     */
    void abortToIdle() throws DfuException {
        abort("Error sending dfu abort request");
        DfuStatusReport st = getStatus("Error during abort get_status");
        if (!st.isState(DfuState.DFU_IDLE)) {
            throw new DfuProtocolException("Failed to enter idle state on abort", st, dfuInterface.isDfuse());
        }
        transport.pollWait(st.pollTimeoutMillis());
    }
}
