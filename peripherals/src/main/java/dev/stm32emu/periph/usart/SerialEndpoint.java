package dev.stm32emu.periph.usart;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * The far end of a USART's TX and RX wires: where transmitted bytes go and where received
 * bytes come from (coffee-gb's SerialEndpoint, STYLE.md §4).
 *
 * <p>Threading: the USART is a machine-thread object. {@link #transmit} is called on the
 * machine thread and must not block. An endpoint that produces received bytes on its own
 * thread (stdin, a socket) must hand them over through the {@link Executor} it was built
 * with, which the board factory wires to {@code Machine::post}; the {@link Receiver}
 * given to {@link #open} is then called on the machine thread.
 */
public interface SerialEndpoint extends AutoCloseable {
    /** No wire: transmitted bytes vanish, nothing is ever received. */
    SerialEndpoint NONE = data -> {
    };

    /** A byte (or a 9-bit character) the USART transmitted. Machine thread; must not block. */
    void transmit(int data);

    /** Called once when connected to a USART; received bytes go to {@code receiver}. */
    default void open(Receiver receiver) {
    }

    /** Stops threads and closes files and sockets. */
    @Override
    default void close() {
    }

    /** Takes bytes received from the outside, on the machine thread. */
    @FunctionalInterface
    interface Receiver {
        void receive(byte[] data);
    }

    /** Transmitted bytes to standard output, flushed byte by byte; nothing received. */
    static SerialEndpoint stdout() {
        return new StreamEndpoint(null, System.out, null, true);
    }

    /** Transmitted bytes to standard output; standard input is received. */
    static SerialEndpoint stdio(Executor machine) {
        return new StreamEndpoint(System.in, System.out, machine, true);
    }

    /** Transmitted bytes to a file (created or truncated), flushed at each line end and on close. */
    static SerialEndpoint file(Path path) throws IOException {
        return new StreamEndpoint(null, new BufferedOutputStream(Files.newOutputStream(path)), null, false);
    }

    /** A TCP server on 127.0.0.1:{@code port} (0: any free port); see {@link TcpServerEndpoint}. */
    static TcpServerEndpoint tcpServer(int port, Executor machine) throws IOException {
        return new TcpServerEndpoint(port, machine);
    }
}
