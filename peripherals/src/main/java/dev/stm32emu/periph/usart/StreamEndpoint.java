package dev.stm32emu.periph.usart;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * A serial endpoint over Java streams: transmitted bytes are written to an output stream
 * (standard output, a file), and an optional input stream (standard input) is read on a
 * daemon thread whose bytes are handed to the machine thread through an executor.
 */
public final class StreamEndpoint implements SerialEndpoint {
    private static final System.Logger LOG = System.getLogger("stm32emu.serial");

    private final InputStream in;
    private final OutputStream out;
    private final Executor machine;
    private final boolean flushEveryByte;
    private volatile boolean closed;
    private boolean writeFailed;

    /**
     * @param in             source of received bytes, or null
     * @param out            sink of transmitted bytes, or null
     * @param machine        hands work to the machine thread (required when {@code in} is given)
     * @param flushEveryByte flush after every byte (interactive) rather than at line ends
     */
    public StreamEndpoint(InputStream in, OutputStream out, Executor machine, boolean flushEveryByte) {
        if (in != null && machine == null) {
            throw new IllegalArgumentException("an input stream needs an executor for the machine thread");
        }
        this.in = in;
        this.out = out;
        this.machine = machine;
        this.flushEveryByte = flushEveryByte;
    }

    @Override
    public void transmit(int data) {
        if (out == null || writeFailed) {
            return;
        }
        try {
            out.write(data);
            if (flushEveryByte || data == '\n') {
                out.flush();
            }
        } catch (IOException e) {
            writeFailed = true; // the wire is cut; the firmware keeps running
            LOG.log(System.Logger.Level.WARNING, "serial output failed; further output dropped", e);
        }
    }

    @Override
    public void open(Receiver receiver) {
        if (in == null) {
            return;
        }
        Thread reader = new Thread(() -> pump(receiver), "serial-input");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void close() {
        closed = true;
        if (out != null && out != System.out && out != System.err) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else if (out != null) {
            try {
                out.flush();
            } catch (IOException ignored) {
                // standard output gone; nothing to report to
            }
        }
    }

    private void pump(Receiver receiver) {
        byte[] buf = new byte[256];
        try {
            int n;
            while (!closed && (n = in.read(buf)) >= 0) {
                if (n > 0) {
                    byte[] chunk = Arrays.copyOf(buf, n);
                    machine.execute(() -> receiver.receive(chunk));
                }
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.WARNING, "serial input failed", e);
            }
        }
    }
}
