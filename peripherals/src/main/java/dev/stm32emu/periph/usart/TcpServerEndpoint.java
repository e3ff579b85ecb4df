package dev.stm32emu.periph.usart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * A serial endpoint served on a TCP socket at 127.0.0.1 (loopback only): one client at a
 * time, like a cable in a single socket. A client that connects while another is attached
 * is closed at once. Bytes from the client are received by the USART; transmitted bytes
 * go to the client, or are dropped while no client is attached (a wire with nobody
 * listening). Use {@link #awaitClient} to wait for a terminal before starting the machine.
 *
 * <p>Threads: an acceptor, a reader per client and one writer. The machine thread never
 * blocks on the socket: {@link #transmit} appends to a buffer of at most 1 MiB that the
 * writer drains; bytes beyond it are dropped and counted. Received bytes reach the USART
 * through the executor given at construction ({@code Machine::post}).
 */
public final class TcpServerEndpoint implements SerialEndpoint {
    private static final System.Logger LOG = System.getLogger("stm32emu.serial");
    private static final int MAX_PENDING = 1 << 20;

    private final ServerSocket server;
    private final Executor machine;
    private final Object lock = new Object();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private Socket client;
    private long dropped;
    private volatile boolean closed;
    private volatile Receiver receiver;

    /**
     * Binds 127.0.0.1:{@code port} at once, so a port in use fails here.
     *
     * @param port    the TCP port; 0 picks a free one ({@link #port()} tells which)
     * @param machine hands received bytes to the machine thread
     */
    public TcpServerEndpoint(int port, Executor machine) throws IOException {
        this.machine = machine;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** The bound TCP port. */
    public int port() {
        return server.getLocalPort();
    }

    /** Bytes transmitted while the client could not keep up (beyond the 1 MiB buffer). */
    public long droppedBytes() {
        synchronized (lock) {
            return dropped;
        }
    }

    /** Waits until a client is attached; false if none came within {@code timeout}. */
    public boolean awaitClient(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (client == null && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return client != null;
        }
    }

    @Override
    public void transmit(int data) {
        synchronized (lock) {
            if (client == null) {
                return;
            }
            if (pending.size() >= MAX_PENDING) {
                dropped++;
                return;
            }
            pending.write(data);
            lock.notifyAll();
        }
    }

    @Override
    public void open(Receiver rx) {
        this.receiver = rx;
        start("serial-tcp-accept-" + port(), this::acceptLoop);
        start("serial-tcp-write-" + port(), this::writeLoop);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (lock) {
            disconnect(client);
            lock.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "serial TCP server stopped accepting", e);
                }
                return;
            }
            synchronized (lock) {
                if (client != null) {
                    closeQuietly(s); // one client at a time
                    continue;
                }
                client = s;
                pending.reset();
                lock.notifyAll();
            }
            start("serial-tcp-read-" + port(), () -> readLoop(s));
        }
    }

    private void readLoop(Socket s) {
        byte[] buf = new byte[1024];
        try (InputStream in = s.getInputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    byte[] chunk = Arrays.copyOf(buf, n);
                    Receiver rx = receiver;
                    machine.execute(() -> rx.receive(chunk));
                }
            }
        } catch (IOException e) {
            // the client went away
        }
        synchronized (lock) {
            disconnect(s);
        }
    }

    private void writeLoop() {
        while (true) {
            byte[] data;
            Socket s;
            synchronized (lock) {
                while (!closed && (client == null || pending.size() == 0)) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                data = pending.toByteArray();
                pending.reset();
                s = client;
            }
            try {
                OutputStream out = s.getOutputStream();
                out.write(data);
                out.flush();
            } catch (IOException e) {
                synchronized (lock) {
                    disconnect(s);
                }
            }
        }
    }

    /** Caller holds the lock. */
    private void disconnect(Socket s) {
        if (s != null && s == client) {
            client = null;
            pending.reset();
            lock.notifyAll();
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private static void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
