package dev.stm32emu.cli.dfu;

/**
 * The memory behind one DFU alternate setting, as a DFU device model sees it; the protocol
 * lives in {@link DfuStateMachine} (the usbd-dfu split of STYLE.md §5). Calls come from the
 * state machine when it executes a DNLOAD block or command, i.e. on the GETSTATUS after it.
 * Implementations must not block: time is modelled by {@link #pollTimeoutMillis}.
 */
public interface DfuMemory {

    /** What the device is doing when it reports a poll timeout. */
    enum Operation {
        SET_ADDRESS, ERASE, MASS_ERASE, PROGRAM, READ_UNPROTECT, MANIFEST
    }

    /** The DfuSe layout string this memory announces as its alternate setting's name. */
    String layout();

    /**
     * Up to {@code length} bytes from {@code address}; fewer when the readable memory ends first.
     * Fails with {@link DfuMemoryError#TARGET} when {@code address} is not readable and with
     * {@link DfuMemoryError#PROTECTED} under read protection.
     */
    byte[] read(long address, int length) throws DfuMemoryException;

    /** Programs {@code data} at {@code address}; the whole range must be writeable. */
    void program(long address, byte[] data) throws DfuMemoryException;

    /** Erases the page containing {@code address}. */
    void erase(long address) throws DfuMemoryException;

    /** Erases every erasable page (DfuSe mass erase). */
    void eraseAll() throws DfuMemoryException;

    /** DfuSe read unprotect: the device erases everything and drops its read protection. */
    default void readUnprotect() throws DfuMemoryException {
        eraseAll();
    }

    /** Plain DFU manifestation: make the new firmware the one that runs. */
    default void manifest() throws DfuMemoryException {
    }

    /** The bwPollTimeout the device reports while doing {@code op}. */
    default int pollTimeoutMillis(Operation op) {
        return 0;
    }
}
