package dev.stm32emu.core.semihosting;

/** Where semihosting console I/O goes. */
public interface SemihostingConsole {
    /** Bytes the firmware wrote to stdout. */
    void stdout(byte[] data);

    /** Bytes the firmware wrote to stderr. */
    void stderr(byte[] data);

    /** One byte of input, or -1 at end of input. */
    default int readChar() {
        return -1;
    }

    /** A console that discards output and has no input. */
    SemihostingConsole NULL = new SemihostingConsole() {
        @Override
        public void stdout(byte[] data) {
        }

        @Override
        public void stderr(byte[] data) {
        }
    };
}
