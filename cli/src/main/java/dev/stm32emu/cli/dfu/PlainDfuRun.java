package dev.stm32emu.cli.dfu;

import dev.stm32emu.cli.dfu.DfuProgressListener.Phase;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * DFU 1.1 download and upload for devices without the DfuSe extensions, as dfu-util 0.11's
 * dfu_load.c does them: blocks numbered 0, 1, 2, ... (DFU 1.1 §6.1.1, §6.2), a zero-length
 * DNLOAD to end the download, then the manifestation polls.
 */
final class PlainDfuRun {

    /** dfu_load.c: "some devices (e.g. TAS1020b) need some time before we can obtain the status". */
    static final int MANIFEST_PAUSE_MILLIS = 1000;
    /** dfu-util polls without bound; a device that never settles ends here instead. */
    private static final int MAX_POLLS = 10_000;

    private final DfuSession session;
    private final int transferSize;

    PlainDfuRun(DfuSession session, int transferSize) {
        this.session = session;
        this.transferSize = transferSize;
    }

    /**
     * dfu_load.c {@code dfuload_do_dnload}: each block DNLOAD wValue=n, then GETSTATUS until
     * dfuDNLOAD-IDLE or dfuERROR, sleeping bwPollTimeout only between polls; bStatus must be OK.
     * Then a zero-length DNLOAD with the next block number and the manifestation: dfuMANIFEST-SYNC
     * and dfuMANIFEST poll again after bwPollTimeout plus one second; dfuMANIFEST-WAIT-RESET resets
     * the device; dfuIDLE ends.
     */
    void download(byte[] image) throws DfuException {
        DfuProgressListener listener = session.listener();
        int block = 0;
        int sent = 0;
        listener.progress(Phase.WRITE, 0, image.length);
        while (sent < image.length) {
            byte[] chunk = Arrays.copyOfRange(image, sent, Math.min(image.length, sent + transferSize));
            session.download(block++ & 0xFFFF, chunk, "Error during download");
            sent += chunk.length;
            session.transport().addBytes(chunk.length);
            DfuStatusReport st;
            int polls = 0;
            while (true) {
                st = session.getStatus("Error during download get_status");
                if (st.isState(DfuState.DFU_DNLOAD_IDLE) || st.isState(DfuState.DFU_ERROR)) {
                    break;
                }
                if (++polls == MAX_POLLS) {
                    throw new DfuProtocolException("Device never finished block " + (block - 1), st, false);
                }
                session.transport().pollWait(st.pollTimeoutMillis());
            }
            if (!st.isOk()) {
                throw new DfuProtocolException("Download of block " + (block - 1) + " failed", st, false);
            }
            listener.progress(Phase.WRITE, sent, image.length);
        }
        session.download(block & 0xFFFF, new byte[0], "Error sending completion packet");
        for (int polls = 0; ; polls++) {
            ControlResult r = session.getStatusTransfer();
            if (!r.ok()) {
                throw new DfuTransferException("unable to read DFU status after completion", r.status());
            }
            DfuStatusReport st = DfuStatusReport.parse(r.data());
            session.transport().pollWait(st.pollTimeoutMillis());
            DfuState s = st.state();
            if (s == DfuState.DFU_MANIFEST_SYNC || s == DfuState.DFU_MANIFEST) {
                if (polls == MAX_POLLS) {
                    throw new DfuProtocolException("Device never finished manifestation", st, false);
                }
                session.transport().sleep(MANIFEST_PAUSE_MILLIS);
                continue;
            }
            if (s == DfuState.DFU_MANIFEST_WAIT_RESET) {
                resetAfterManifestation();
            } else if (s != DfuState.DFU_IDLE) {
                session.warn("state after manifestation: " + st);
            }
            return;
        }
    }

    /**
     * dfu_load.c {@code dfuload_do_upload}: UPLOAD wValue = 0, 1, 2, ... with wLength = the
     * transfer size until a short frame; no ABORT. With {@code expectedSize} not 0 the total must
     * match ("Unexpected number of bytes uploaded from device").
     */
    byte[] upload(long expectedSize) throws DfuException {
        DfuProgressListener listener = session.listener();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int block = 0;
        listener.progress(Phase.READ, 0, expectedSize);
        while (true) {
            byte[] got = session.upload(block++ & 0xFFFF, transferSize, "Error during upload");
            out.write(got, 0, got.length);
            session.transport().addBytes(got.length);
            listener.progress(Phase.READ, out.size(), expectedSize);
            if (got.length < transferSize) {
                break;
            }
            if (out.size() > DfuseOperations.MAX_UPLOAD) {
                throw new DfuException("Received too many bytes: the device never sent a short frame");
            }
        }
        if (expectedSize != 0 && out.size() != expectedSize) {
            throw new DfuException("Unexpected number of bytes uploaded from device: " + out.size()
                    + " instead of " + expectedSize);
        }
        return out.toByteArray();
    }

    /**
     * The reset dfu-util 0.11 sends in dfuMANIFEST-WAIT-RESET. A device that re-enumerates as its
     * application makes libusb report NOT_FOUND, which 0.11 turns into a failure (facts-usb §3.7);
     * {@link DfuHostOptions#tolerateResetReenumeration()} accepts it as later versions do.
     */
    private void resetAfterManifestation() throws DfuException {
        ControlResult r = session.transport().resetDevice();
        if (r.ok()) {
            return;
        }
        if (r.status() == TransferStatus.DISCONNECTED && session.options().tolerateResetReenumeration()) {
            session.warn("device re-enumerated after the reset");
            return;
        }
        throw new DfuTransferException("error resetting after download (dfu-util 0.11 fails here too)", r.status());
    }
}
