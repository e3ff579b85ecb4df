package dev.stm32emu.core.semihosting;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A console that records output (tests) and optionally echoes it. */
public final class CapturingConsole implements SemihostingConsole {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream echoOut;
    private final PrintStream echoErr;

    public CapturingConsole() {
        this(null, null);
    }

    public CapturingConsole(PrintStream echoOut, PrintStream echoErr) {
        this.echoOut = echoOut;
        this.echoErr = echoErr;
    }

    @Override
    public synchronized void stdout(byte[] data) {
        out.writeBytes(data);
        if (echoOut != null) {
            echoOut.write(data, 0, data.length);
            echoOut.flush();
        }
    }

    @Override
    public synchronized void stderr(byte[] data) {
        err.writeBytes(data);
        if (echoErr != null) {
            echoErr.write(data, 0, data.length);
            echoErr.flush();
        }
    }

    public synchronized String stdoutText() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    public synchronized String stderrText() {
        return err.toString(StandardCharsets.ISO_8859_1);
    }
}
