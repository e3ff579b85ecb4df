package dev.stm32emu.cli.dfu;

/**
 * Told how far an operation has got, so a CLI can draw a progress bar. Called from the
 * thread running the operation, after each transfer-size chunk (dfu-util draws its bar at the
 * same points, dfu_file.c {@code dfu_progress_bar}).
 */
@FunctionalInterface
public interface DfuProgressListener {

    /** What the host is doing. */
    enum Phase {
        /** DfuSe erase pass, before any data is written. */
        ERASE,
        /** Writing data (DfuSe write pass, plain DFU download). */
        WRITE,
        /** Reading data back (upload). */
        READ,
        /** Reading data back to compare it with what was written ({@link DfuHostOptions#verify()}). */
        VERIFY
    }

    /** A listener that ignores everything. */
    DfuProgressListener NONE = (phase, done, total) -> { };

    /**
     * @param done  bytes of this phase done so far
     * @param total bytes this phase will cover; 0 when unknown (plain DFU upload)
     */
    void progress(Phase phase, long done, long total);
}
