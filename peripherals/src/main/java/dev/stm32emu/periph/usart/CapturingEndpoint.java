package dev.stm32emu.periph.usart;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A serial endpoint that records what the USART transmits and lets a test (or a firmware
 * test harness) send bytes to it. Reading the capture is safe from any thread;
 * {@link #send} must run on the machine thread.
 */
public final class CapturingEndpoint implements SerialEndpoint {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private Receiver receiver;

    @Override
    public synchronized void transmit(int data) {
        captured.write(data);
    }

    @Override
    public void open(Receiver rx) {
        this.receiver = rx;
    }

    /** Everything transmitted so far. */
    public synchronized byte[] transmitted() {
        return captured.toByteArray();
    }

    /** Everything transmitted so far, one char per byte (ISO-8859-1). */
    public synchronized String text() {
        return captured.toString(StandardCharsets.ISO_8859_1);
    }

    /** Forgets the capture. */
    public synchronized void clear() {
        captured.reset();
    }

    /** Puts bytes on the USART's RX wire now. Machine thread. */
    public void send(byte... data) {
        if (receiver == null) {
            throw new IllegalStateException("not connected to a USART");
        }
        receiver.receive(data.clone());
    }

    /** Puts the ISO-8859-1 bytes of {@code text} on the RX wire now. Machine thread. */
    public void send(String text) {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
