package dev.stm32emu.cli.dfu;

import dev.stm32emu.cli.dfu.DfuProgressListener.Phase;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The ST DfuSe extensions (AN3156, UM0424) as dfu-util 0.11 drives them, request for request
 * (dfuse.c): special commands and their GETSTATUS rules, the erase and write passes of a
 * download, upload, leave. {@link DfuseDownload} sequences whole runs from these steps.
 */
final class DfuseOperations {

    /** The DfuSe special commands, in dfuse.h order (their names appear in dfu-util's messages). */
    enum Command {
        SET_ADDRESS, ERASE_PAGE, MASS_ERASE, READ_UNPROTECT
    }

    /** dfuse.c: "Device stuck after special command request" after this many zero poll timeouts. */
    private static final int MAX_ZERO_TIMEOUTS = 100;
    /** dfuse.c tolerates this many STALLed GETSTATUS after a command (STM32L4 workaround). */
    private static final int MAX_STALLS = 3;
    /** dfu-util polls a data block without bound; a device that never settles ends here instead. */
    private static final int MAX_CHUNK_POLLS = 10_000;
    /** dfuse.c: "STM32F405 lies about mass erase timeout": 100 ms reported means 35 s. */
    private static final int MASS_ERASE_REPORTED = 100;
    private static final int MASS_ERASE_ACTUAL = 35_000;
    /** Uploads are collected in memory. */
    static final long MAX_UPLOAD = 256L << 20;

    private final DfuSession session;
    private final int transferSize;
    /** dfu-util's config->last_erased_page starts at 1, "non-aligned value, won't match". */
    private long lastErasedPage = 1;

    DfuseOperations(DfuSession session, int transferSize) {
        this.session = session;
        this.transferSize = transferSize;
    }

    int transferSize() {
        return transferSize;
    }

    /**
     * dfuse.c {@code dfuse_special_command}: DNLOAD wValue=0 with the command bytes, then
     * GETSTATUS rounds. The first reply must be dfuDNBUSY (or, with
     * {@link DfuHostOptions#acceptIdleAfterCommand()}, dfuDNLOAD-IDLE); the host sleeps each
     * bwPollTimeout and polls again while dfuDNBUSY; the final bStatus must be OK. Up to three
     * STALLed polls are taken as dfuDNBUSY once a non-zero poll timeout has been seen.
     */
    void specialCommand(MemoryLayout layout, long address, Command command) throws DfuException {
        byte[] buf;
        String what = command.name() + (command == Command.SET_ADDRESS || command == Command.ERASE_PAGE
                ? String.format(" 0x%08x", address) : "");
        switch (command) {
            case ERASE_PAGE -> {
                MemorySegment segment = layout == null ? null : layout.segmentAt(address);
                if (segment == null || !segment.erasable()) {
                    throw new DfuInputException(String.format("Page at 0x%08x can not be erased: it is not in an "
                            + "erasable segment of %s", address, layout == null ? "(no layout)" : layout.describe()));
                }
                buf = addressCommand(0x41, address);
                lastErasedPage = segment.pageAddress(address);
            }
            case SET_ADDRESS -> buf = addressCommand(0x21, address);
            case MASS_ERASE -> buf = new byte[]{0x41};
            case READ_UNPROTECT -> buf = new byte[]{(byte) 0x92};
            default -> throw new IllegalStateException();
        }
        session.download(0, buf, "Error during special command \"" + command + "\" download");
        boolean firstPoll = true;
        int zeroTimeouts = 0;
        int stalls = 0;
        long pollTimeout = 0;
        DfuStatusReport st;
        do {
            ControlResult r = session.getStatusTransfer();
            if (r.status() == TransferStatus.STALL && pollTimeout != 0 && stalls < MAX_STALLS) {
                stalls++;
                st = new DfuStatusReport(DfuStatus.ERR_UNKNOWN.code(), 0, DfuState.DFU_DNBUSY.code(), 0);
                session.warn("Device stalled USB pipe, reusing last poll timeout");
            } else if (!r.ok()) {
                throw new DfuTransferException("Error during special command \"" + command + "\" get_status", r.status());
            } else {
                st = DfuStatusReport.parse(r.data());
                pollTimeout = st.pollTimeoutMillis();
            }
            if (firstPoll) {
                firstPoll = false;
                boolean idleOk = session.options().acceptIdleAfterCommand() && st.isState(DfuState.DFU_DNLOAD_IDLE);
                if (!st.isState(DfuState.DFU_DNBUSY) && !idleOk) {
                    throw new DfuProtocolException("Wrong state after command \"" + command + "\" download ("
                            + what + "; dfu-util 0.11 requires dfuDNBUSY first)", st, true);
                }
                if (command == Command.MASS_ERASE && st.pollTimeoutMillis() == MASS_ERASE_REPORTED) {
                    pollTimeout = MASS_ERASE_ACTUAL;
                }
            }
            session.transport().pollWait(pollTimeout);
            if (command == Command.READ_UNPROTECT) {
                return;
            }
            if (st.pollTimeoutMillis() == 0) {
                if (++zeroTimeouts == MAX_ZERO_TIMEOUTS) {
                    throw new DfuProtocolException("Device stuck after special command request (" + what + ")", st, true);
                }
            } else {
                zeroTimeouts = 0;
            }
        } while (st.isState(DfuState.DFU_DNBUSY));
        if (!st.isOk()) {
            throw new DfuProtocolException(what + " not correctly executed", st, true);
        }
    }

    /**
     * dfuse.c {@code dfuse_dnload_chunk}: DNLOAD wValue={@code block}, then GETSTATUS and a sleep of
     * bwPollTimeout after every reply until dfuDNLOAD-IDLE, dfuERROR or dfuMANIFEST (or dfuDNBUSY
     * with will-reset). Returns the final status; the caller checks bStatus and the byte count.
     */
    ChunkResult downloadChunk(byte[] data, int block, boolean willReset) throws DfuException {
        int sent = session.download(block, data, "Error during download");
        DfuStatusReport st;
        int polls = 0;
        while (true) {
            st = session.getStatus("Error during download get_status");
            session.transport().pollWait(st.pollTimeoutMillis());
            if (st.isState(DfuState.DFU_DNLOAD_IDLE) || st.isState(DfuState.DFU_ERROR)
                    || st.isState(DfuState.DFU_MANIFEST) || (willReset && st.isState(DfuState.DFU_DNBUSY))) {
                break;
            }
            if (++polls == MAX_CHUNK_POLLS) {
                throw new DfuProtocolException("Device never finished the DNLOAD block " + block, st, true);
            }
        }
        session.transport().addBytes(data.length);
        return new ChunkResult(sent, st);
    }

    /**
     * The layout checks of dfuse.c {@code dfuse_dnload_element}, skipped with {@code force}: the
     * last byte must be in a writeable segment, and so must the start of every chunk. dfu-util
     * checks the chunks during its erase pass, after erasing earlier pages; here they are all
     * checked before anything is erased, so a refused download leaves the memory untouched.
     */
    void checkElement(MemoryLayout layout, long address, long size, DfuseOptions options) throws DfuInputException {
        if (options.force() != 0) {
            return;
        }
        long last = address + size - 1;
        MemorySegment lastSegment = layout.segmentAt(last);
        if (lastSegment == null || !lastSegment.writeable()) {
            throw new DfuInputException(String.format("Last page at 0x%08x is not writeable: refusing to download "
                    + "%d bytes to 0x%08x-0x%08x, which is not inside a writeable segment of %s", last & 0xFFFF_FFFFL,
                    size, address, last & 0xFFFF_FFFFL, layout.describe()));
        }
        for (long p = 0; p < size; p += transferSize) {
            MemorySegment segment = layout.segmentAt(address + p);
            if (segment == null || !segment.writeable()) {
                throw new DfuInputException(String.format("Page at 0x%08x is not writeable: the download to "
                        + "0x%08x-0x%08x crosses a gap or a read-only part of %s", address + p, address, last,
                        layout.describe()));
            }
        }
    }

    /**
     * dfuse.c {@code dfuse_dnload_element}: the layout checks ({@link #checkElement}); an erase pass
     * (ERASE_PAGE for every page the chunks touch, skipped for non-erasable segments and after a
     * mass erase); a write pass (SET_ADDRESS, then the chunk with wValue=2, per chunk).
     */
    void downloadElement(MemoryLayout layout, long address, byte[] data, DfuseOptions options) throws DfuException {
        long size = data.length;
        checkElement(layout, address, size, options);
        DfuProgressListener listener = session.listener();
        listener.progress(Phase.ERASE, 0, size);
        for (long p = 0; p < size; p += transferSize) {
            long chunkAddress = address + p;
            MemorySegment segment = layout.segmentAt(chunkAddress);
            if (segment == null) {
                continue;
            }
            long pageSize = segment.pageSize();
            long chunk = Math.min(transferSize, size - p);
            if (segment.erasable() && !options.massErase()) {
                for (long e = chunkAddress; e < chunkAddress + chunk; e += pageSize) {
                    if ((e & ~(pageSize - 1)) != lastErasedPage) {
                        specialCommand(layout, e, Command.ERASE_PAGE);
                    }
                }
                long chunkLast = chunkAddress + chunk - 1;
                if ((chunkLast & ~(pageSize - 1)) != lastErasedPage) {
                    specialCommand(layout, chunkLast, Command.ERASE_PAGE);
                }
                listener.progress(Phase.ERASE, p, size);
            }
        }
        listener.progress(Phase.ERASE, size, size);
        listener.progress(Phase.WRITE, 0, size);
        for (int p = 0; p < size; p += transferSize) {
            long chunkAddress = address + p;
            byte[] chunk = Arrays.copyOfRange(data, p, (int) Math.min(size, p + (long) transferSize));
            specialCommand(layout, chunkAddress, Command.SET_ADDRESS);
            ChunkResult r = downloadChunk(chunk, 2, options.willReset());
            if (!r.status().isOk()) {
                throw new DfuProtocolException(String.format("Failed to write whole chunk: %d bytes at 0x%08x",
                        chunk.length, chunkAddress), r.status(), true);
            }
            if (r.sent() != chunk.length) {
                throw new DfuException(String.format("Failed to write whole chunk: %d of %d bytes at 0x%08x",
                        r.sent(), chunk.length, chunkAddress));
            }
            listener.progress(Phase.WRITE, p + chunk.length, size);
        }
    }

    /**
     * The transfer loop of dfuse.c {@code dfuse_do_upload}: UPLOAD wValue = 2, 3, ... (the device
     * adds (wValue - 2) x its wTransferSize to its address pointer), the last request shortened
     * to the limit, until a short frame or {@code limit} bytes.
     */
    byte[] uploadBlocks(long limit, Phase phase) throws DfuException {
        if (limit > MAX_UPLOAD) {
            throw new DfuInputException("upload of " + limit + " bytes is larger than this host supports (" + MAX_UPLOAD + ")");
        }
        DfuProgressListener listener = session.listener();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long total = 0;
        int xfer = transferSize;
        int block = 2;
        listener.progress(phase, 0, limit);
        while (true) {
            if (limit - total < xfer) {
                xfer = (int) (limit - total);
            }
            byte[] got = session.upload(block++ & 0xFFFF, xfer, "Error during upload");
            out.write(got, 0, got.length);
            total += got.length;
            session.transport().addBytes(got.length);
            listener.progress(phase, total, limit);
            if (got.length < xfer || total >= limit) {
                break;
            }
        }
        return out.toByteArray();
    }

    /**
     * dfuse.c {@code dfuse_do_leave}: SET_ADDRESS when an address was given, then a zero-length
     * DNLOAD wValue=2 polled like a data block. The device answers dfuMANIFEST and then leaves;
     * nothing is sent after that answer, so the device vanishing then is no error. A device that
     * vanishes before answering fails the run, as in 0.11 ("Error during download get_status").
     * A bad bStatus on the final poll is only a warning: 0.11 ignores the result of the leave.
     */
    void leave(MemoryLayout layout, DfuseOptions options) throws DfuException {
        if (options.hasAddress()) {
            specialCommand(layout, options.address(), Command.SET_ADDRESS);
        }
        ChunkResult r = downloadChunk(new byte[0], 2, options.willReset());
        if (!r.status().isOk()) {
            session.warn("leave request answered with " + r.status());
        } else if (!r.status().isState(DfuState.DFU_MANIFEST)) {
            session.warn("leave request answered with " + DfuState.nameOf(r.status().stateCode())
                    + " instead of dfuMANIFEST");
        }
    }

    private static byte[] addressCommand(int code, long address) {
        return new byte[]{(byte) code, (byte) address, (byte) (address >>> 8), (byte) (address >>> 16),
                (byte) (address >>> 24)};
    }

    /** A data block's outcome: bytes the DNLOAD moved and the final GETSTATUS reply. */
    record ChunkResult(int sent, DfuStatusReport status) {
    }
}
