package dev.stm32emu.cli.dfu;

/**
 * The 6-byte DFU_GETSTATUS reply (DFU 1.1 §6.1.2). Codes are kept raw so that a device
 * answering an undefined value can be reported faithfully.
 *
 * @param statusCode        bStatus
 * @param pollTimeoutMillis bwPollTimeout, 24 bits
 * @param stateCode         bState
 * @param iString           index of a status description string
 */
public record DfuStatusReport(int statusCode, int pollTimeoutMillis, int stateCode, int iString) {

    /** Length of the reply. */
    public static final int LENGTH = 6;

    /**
     * What dfu-util's {@code dfu_get_status} leaves in its result when the reply is not
     * 6 bytes long: errUNKNOWN in dfuERROR, no poll timeout (dfu.c).
     */
    public static final DfuStatusReport SHORT_REPLY =
            new DfuStatusReport(DfuStatus.ERR_UNKNOWN.code(), 0, DfuState.DFU_ERROR.code(), 0);

    public DfuStatusReport {
        if (pollTimeoutMillis < 0 || pollTimeoutMillis > 0xFF_FFFF) {
            throw new IllegalArgumentException("bwPollTimeout out of 24-bit range: " + pollTimeoutMillis);
        }
    }

    public static DfuStatusReport of(DfuStatus status, int pollTimeoutMillis, DfuState state) {
        return new DfuStatusReport(status.code(), pollTimeoutMillis, state.code(), 0);
    }

    /** Decodes a reply; anything but exactly 6 bytes gives {@link #SHORT_REPLY}, as in dfu-util. */
    public static DfuStatusReport parse(byte[] b) {
        if (b.length != LENGTH) {
            return SHORT_REPLY;
        }
        int poll = (b[1] & 0xFF) | (b[2] & 0xFF) << 8 | (b[3] & 0xFF) << 16;
        return new DfuStatusReport(b[0] & 0xFF, poll, b[4] & 0xFF, b[5] & 0xFF);
    }

    /** The reply bytes: bStatus, bwPollTimeout (3 bytes, little-endian), bState, iString. */
    public byte[] toBytes() {
        return new byte[]{(byte) statusCode, (byte) pollTimeoutMillis, (byte) (pollTimeoutMillis >>> 8),
                (byte) (pollTimeoutMillis >>> 16), (byte) stateCode, (byte) iString};
    }

    /** The state, or null if the device sent an undefined value. */
    public DfuState state() {
        return DfuState.fromCode(stateCode);
    }

    /** The status, or null if the device sent an undefined value. */
    public DfuStatus status() {
        return DfuStatus.fromCode(statusCode);
    }

    public boolean isState(DfuState s) {
        return stateCode == s.code();
    }

    public boolean isOk() {
        return statusCode == DfuStatus.OK.code();
    }

    @Override
    public String toString() {
        return DfuState.nameOf(stateCode) + "/" + DfuStatus.nameOf(statusCode) + " poll " + pollTimeoutMillis + " ms";
    }
}
