package dev.stm32emu.cli.dfu;

import dev.stm32emu.core.usb.SetupPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The device side of DFU 1.1 (Appendix A state diagram) with ST's DfuSe extensions (AN3156),
 * as a pure function of requests: a DFU class request and the current virtual time go in, a
 * reply, an acknowledgement, a STALL or no answer comes out. Memory is behind {@link DfuMemory},
 * one per alternate setting.
 *
 * <p>As on ST's bootloaders, a DNLOAD block or command is only stored (dfuDNLOAD-SYNC); it is
 * executed on the following GETSTATUS, which reports dfuDNBUSY with the memory's poll timeout;
 * the next GETSTATUS reports the outcome (dfuDNLOAD-IDLE, or dfuERROR with the mapped status).
 * {@link DfuDeviceConfig#reportBusy()} false makes a synchronous device that answers the first GETSTATUS
 * with the outcome, which dfu-util 0.11 rejects. With {@link DfuDeviceConfig#strictPollTimeout()} a
 * request arriving before the announced bwPollTimeout has elapsed is a protocol error (STALL,
 * dfuERROR/errSTALLEDPKT), so a host that does not wait is caught.
 *
 * <p>DfuSe: DNLOAD wValue 0 carries a command (0x21 set address, 0x41 erase page or mass erase,
 * 0x92 read unprotect); wValue n &ge; 2 writes at {@code pointer + (n - 2) x wTransferSize};
 * UPLOAD wValue 0 lists the commands, n &ge; 2 reads likewise. A zero-length DNLOAD in dfuIDLE or
 * dfuDNLOAD-IDLE requests leave: the next GETSTATUS answers dfuMANIFEST, then the device is gone
 * ({@link #hasLeft()}; AN2662 p.80). Plain DFU: block n is at {@code base + n x wTransferSize} of
 * the first segment; manifestation ends in dfuIDLE (bitManifestationTolerant) or
 * dfuMANIFEST-WAIT-RESET.
 */
public final class DfuStateMachine {

    /** Bytes returned by DfuSe UPLOAD wValue 0, "get commands" (AN3156 §6.1). */
    static final byte[] DFUSE_COMMANDS = {0x00, 0x21, 0x41, (byte) 0x92};

    /** What the device does with a request. */
    public enum Outcome {
        /** IN data (see {@link Response#data()}) or an accepted OUT request. */
        ACK,
        /** The request is stalled. */
        STALL,
        /** No answer at all (the host times out). */
        NO_ANSWER
    }

    /** A reply: {@code data} is the IN data stage (empty for OUT requests). */
    public record Response(Outcome outcome, byte[] data) {
        public Response {
            data = data == null ? new byte[0] : data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        static final Response ACK = new Response(Outcome.ACK, null);
        static final Response STALL = new Response(Outcome.STALL, null);
        static final Response NO_ANSWER = new Response(Outcome.NO_ANSWER, null);
    }

    private final DfuDeviceConfig config;
    private final List<DfuMemory> memories;
    private final List<MemoryLayout> layouts = new ArrayList<>();
    private int alternate;
    private DfuState state = DfuState.DFU_IDLE;
    private DfuStatus status = DfuStatus.OK;
    private long pointer;
    private long busyUntil;
    private Pending pending;
    private DfuMemoryException outcome;
    private boolean left;
    private boolean manifested;
    private long leaveAddress = -1;
    private int resets;

    public DfuStateMachine(DfuDeviceConfig config, List<? extends DfuMemory> memories) {
        this.config = Objects.requireNonNull(config);
        this.memories = List.copyOf(memories);
        if (memories.isEmpty()) {
            throw new IllegalArgumentException("at least one memory (alternate setting) is needed");
        }
        for (DfuMemory m : memories) {
            try {
                layouts.add(MemoryLayout.parse(m.layout()));
            } catch (DfuInputException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        pointer = layouts.get(0).segments().get(0).start();
    }

    public DfuDeviceConfig config() {
        return config;
    }

    /** The memories, one per alternate setting. */
    public List<DfuMemory> memories() {
        return memories;
    }

    /** Starts in {@code s}, e.g. dfuERROR/errFIRMWARE as ST's F4 ROM does (facts-usb §3.3). */
    public DfuStateMachine startIn(DfuState s, DfuStatus st) {
        state = s;
        status = st;
        return this;
    }

    /** SET_INTERFACE: later requests address this alternate setting's memory. False if there is none. */
    public boolean selectAlternate(int alt) {
        if (alt < 0 || alt >= memories.size()) {
            return false;
        }
        alternate = alt;
        return true;
    }

    public DfuState state() {
        return state;
    }

    public DfuStatus status() {
        return status;
    }

    /** The DfuSe address pointer. */
    public long addressPointer() {
        return pointer;
    }

    /** Whether the device has left DFU mode (DfuSe leave, read unprotect) and no longer answers. */
    public boolean hasLeft() {
        return left;
    }

    /** The address the device jumped to on leave, -1 if it has not left that way. */
    public long leaveAddress() {
        return leaveAddress;
    }

    /** How many USB resets the device has seen. */
    public int resets() {
        return resets;
    }

    /**
     * A USB reset. After dfuMANIFEST-WAIT-RESET or a finished manifestation the new firmware
     * runs (appIDLE); otherwise the bootloader starts over in dfuIDLE.
     */
    public void usbReset() {
        resets++;
        boolean runApp = state == DfuState.DFU_MANIFEST_WAIT_RESET || manifested;
        state = runApp ? DfuState.APP_IDLE : DfuState.DFU_IDLE;
        status = DfuStatus.OK;
        pending = null;
        outcome = null;
    }

    /** Handles one DFU class request at virtual time {@code nowMillis}; {@code out} is the OUT data stage. */
    public Response handle(SetupPacket setup, byte[] out, long nowMillis) {
        DfuRequest req = DfuRequest.of(setup);
        if (left) {
            return Response.NO_ANSWER;
        }
        if (req == null || setup.index() != config.interfaceNumber()) {
            return Response.STALL;
        }
        switch (state) {
            case DFU_DNBUSY, DFU_MANIFEST -> {
                if (req != DfuRequest.GETSTATUS || (config.strictPollTimeout() && nowMillis < busyUntil)) {
                    return error(DfuStatus.ERR_STALLEDPKT);
                }
                return state == DfuState.DFU_DNBUSY ? finishBusy() : finishManifest();
            }
            case DFU_MANIFEST_WAIT_RESET -> {
                return req == DfuRequest.GETSTATUS && config.answerInWaitReset() ? report(0) : Response.NO_ANSWER;
            }
            default -> { }
        }
        return switch (req) {
            case GETSTATUS -> getStatus(nowMillis);
            case GETSTATE -> new Response(Outcome.ACK, new byte[]{(byte) state.code()});
            case CLRSTATUS -> state == DfuState.DFU_ERROR ? idle() : error(DfuStatus.ERR_STALLEDPKT);
            case ABORT -> state == DfuState.DFU_IDLE || state == DfuState.DFU_DNLOAD_IDLE
                    || state == DfuState.DFU_UPLOAD_IDLE ? idle() : error(DfuStatus.ERR_STALLEDPKT);
            case DNLOAD -> download(setup.value(), out == null ? new byte[0] : out);
            case UPLOAD -> upload(setup.value(), setup.length());
            case DETACH -> {
                if (state != DfuState.APP_IDLE) {
                    yield error(DfuStatus.ERR_STALLEDPKT);
                }
                state = DfuState.APP_DETACH;
                yield Response.ACK;
            }
        };
    }

    private Response getStatus(long now) {
        if (state == DfuState.DFU_DNLOAD_SYNC) {
            int poll = execute();
            if (config.reportBusy()) {
                state = DfuState.DFU_DNBUSY;
                busyUntil = now + poll;
                return report(poll);
            }
            finishBusy();
            return report(poll);
        }
        if (state == DfuState.DFU_MANIFEST_SYNC) {
            if (config.dfuse()) {
                // AN2662 p.80: the leave is executed on this GETSTATUS; the device answers
                // dfuMANIFEST, then resets into the application at the address pointer.
                state = DfuState.DFU_MANIFEST;
                left = true;
                leaveAddress = pointer;
                return report(0);
            }
            int poll = memory().pollTimeoutMillis(DfuMemory.Operation.MANIFEST);
            try {
                memory().manifest();
            } catch (DfuMemoryException e) {
                return errorReport(e.error().status());
            }
            state = DfuState.DFU_MANIFEST;
            busyUntil = now + poll;
            return report(poll);
        }
        return report(0);
    }

    /** The GETSTATUS that ends dfuDNBUSY: the stored outcome becomes the state. */
    private Response finishBusy() {
        if (outcome != null) {
            DfuStatus st = outcome.error().status();
            outcome = null;
            return errorReport(st);
        }
        state = DfuState.DFU_DNLOAD_IDLE;
        return report(0);
    }

    /** The GETSTATUS that ends dfuMANIFEST (DFU 1.1 A.2.8). */
    private Response finishManifest() {
        manifested = true;
        if ((config.attributes() & DfuFunctionalDescriptor.MANIFESTATION_TOLERANT) != 0) {
            state = DfuState.DFU_IDLE;
            return report(0);
        }
        state = DfuState.DFU_MANIFEST_WAIT_RESET;
        return config.answerInWaitReset() ? report(0) : Response.NO_ANSWER;
    }

    private Response download(int block, byte[] data) {
        boolean canDownload = (config.attributes() & DfuFunctionalDescriptor.CAN_DOWNLOAD) != 0;
        if (!canDownload || (state != DfuState.DFU_IDLE && state != DfuState.DFU_DNLOAD_IDLE)
                || data.length > config.transferSize()) {
            return error(DfuStatus.ERR_STALLEDPKT);
        }
        if (data.length == 0) {
            if (state == DfuState.DFU_IDLE && !config.dfuse()) {
                return error(DfuStatus.ERR_STALLEDPKT);
            }
            state = DfuState.DFU_MANIFEST_SYNC;
            return Response.ACK;
        }
        if (!config.dfuse()) {
            pending = new Pending(Kind.WRITE, base() + (long) block * config.transferSize(), data);
        } else if (block == 0) {
            pending = command(data);
            if (pending == null) {
                return error(DfuStatus.ERR_STALLEDPKT);
            }
        } else if (block == 1) {
            return error(DfuStatus.ERR_STALLEDPKT);
        } else {
            pending = new Pending(Kind.WRITE, pointer + (long) (block - 2) * config.transferSize(), data);
        }
        state = DfuState.DFU_DNLOAD_SYNC;
        return Response.ACK;
    }

    private Response upload(int block, int length) {
        boolean canUpload = (config.attributes() & DfuFunctionalDescriptor.CAN_UPLOAD) != 0;
        if (!canUpload || (state != DfuState.DFU_IDLE && state != DfuState.DFU_UPLOAD_IDLE)
                || length > config.transferSize()) {
            return error(DfuStatus.ERR_STALLEDPKT);
        }
        byte[] data;
        if (config.dfuse() && block == 0) {
            data = Arrays.copyOf(DFUSE_COMMANDS, Math.min(length, DFUSE_COMMANDS.length));
        } else if (config.dfuse() && block == 1) {
            return error(DfuStatus.ERR_STALLEDPKT);
        } else {
            long address = config.dfuse() ? pointer + (long) (block - 2) * config.transferSize()
                    : base() + (long) block * config.transferSize();
            try {
                data = length == 0 ? new byte[0] : memory().read(address, length);
            } catch (DfuMemoryException e) {
                if (config.dfuse() || e.error() != DfuMemoryError.TARGET) {
                    return error(e.error().status());
                }
                data = new byte[0];
            }
        }
        state = data.length < length ? DfuState.DFU_IDLE : DfuState.DFU_UPLOAD_IDLE;
        return new Response(Outcome.ACK, data);
    }

    /** Decodes a DfuSe command block (AN3156 §6.1); null if it is none of the four. */
    private Pending command(byte[] d) {
        int code = d[0] & 0xFF;
        long address = d.length == 5
                ? (d[1] & 0xFFL) | (d[2] & 0xFFL) << 8 | (d[3] & 0xFFL) << 16 | (d[4] & 0xFFL) << 24 : -1;
        if (code == 0x21 && d.length == 5) {
            return new Pending(Kind.SET_ADDRESS, address, null);
        }
        if (code == 0x41 && d.length == 5) {
            return new Pending(Kind.ERASE, address, null);
        }
        if (code == 0x41 && d.length == 1) {
            return new Pending(Kind.MASS_ERASE, -1, null);
        }
        if (code == 0x92 && d.length == 1) {
            return new Pending(Kind.READ_UNPROTECT, -1, null);
        }
        return null;
    }

    /** Runs the stored block or command; keeps its failure for the GETSTATUS that ends dfuDNBUSY. */
    private int execute() {
        Pending p = pending;
        pending = null;
        outcome = null;
        DfuMemory m = memory();
        try {
            switch (p.kind) {
                case SET_ADDRESS -> {
                    if (layout().segmentAt(p.address) == null) {
                        throw new DfuMemoryException(DfuMemoryError.TARGET,
                                String.format("0x%08x is outside the memory", p.address));
                    }
                    pointer = p.address;
                }
                case ERASE -> m.erase(p.address);
                case MASS_ERASE -> m.eraseAll();
                case READ_UNPROTECT -> {
                    m.readUnprotect();
                    left = true;
                }
                case WRITE -> m.program(p.address, p.data);
            }
        } catch (DfuMemoryException e) {
            outcome = e;
        }
        return m.pollTimeoutMillis(p.kind.operation);
    }

    private Response idle() {
        state = DfuState.DFU_IDLE;
        status = DfuStatus.OK;
        return Response.ACK;
    }

    /** DFU 1.1 §6.1.2: an invalid request stalls and puts the device into dfuERROR. */
    private Response error(DfuStatus st) {
        state = DfuState.DFU_ERROR;
        status = st;
        return Response.STALL;
    }

    private Response errorReport(DfuStatus st) {
        state = DfuState.DFU_ERROR;
        status = st;
        return report(0);
    }

    private Response report(int poll) {
        return new Response(Outcome.ACK, DfuStatusReport.of(status, poll, state).toBytes());
    }

    private DfuMemory memory() {
        return memories.get(alternate);
    }

    private MemoryLayout layout() {
        return layouts.get(alternate);
    }

    /** Plain DFU: the image starts at the first segment of the memory. */
    private long base() {
        return layout().segments().get(0).start();
    }

    private enum Kind {
        SET_ADDRESS(DfuMemory.Operation.SET_ADDRESS), ERASE(DfuMemory.Operation.ERASE),
        MASS_ERASE(DfuMemory.Operation.MASS_ERASE), READ_UNPROTECT(DfuMemory.Operation.READ_UNPROTECT),
        WRITE(DfuMemory.Operation.PROGRAM);

        final DfuMemory.Operation operation;

        Kind(DfuMemory.Operation operation) {
            this.operation = operation;
        }
    }

    private record Pending(Kind kind, long address, byte[] data) {
    }
}
