package dev.stm32emu.cli;

import dev.stm32emu.core.semihosting.SemihostingConsole;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/** Semihosting console on the process's own stdout, stderr and stdin. */
final class StreamConsole implements SemihostingConsole {
    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    StreamConsole(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    @Override
    public void stdout(byte[] data) {
        out.write(data, 0, data.length);
        out.flush();
    }

    @Override
    public void stderr(byte[] data) {
        err.write(data, 0, data.length);
        err.flush();
    }

    @Override
    public int readChar() {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }
}
