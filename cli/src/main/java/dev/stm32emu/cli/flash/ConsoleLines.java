package dev.stm32emu.cli.flash;

import dev.stm32emu.periph.usart.SerialEndpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The firmware's console USART as lines: each complete line (CR and LF stripped) goes to a
 * consumer as it arrives, and all text is kept so a caller can ask what was printed since a
 * mark (the app's banner after the reset). Bytes arrive on the machine thread.
 */
public final class ConsoleLines implements SerialEndpoint {
    private final Consumer<String> lines;
    private final StringBuffer all = new StringBuffer();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public ConsoleLines(Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public void transmit(int data) {
        char c = (char) (data & 0xFF);
        all.append(c);
        if (c == '\n') {
            String text = line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
            line.reset();
            lines.accept(text);
        } else {
            line.write(data & 0xFF);
        }
    }

    /** A position in the text for {@link #since(int)}. */
    public int mark() {
        return all.length();
    }

    /** The text printed since {@code mark}. */
    public String since(int mark) {
        return all.substring(Math.min(mark, all.length()));
    }

    /** Everything printed. */
    public String text() {
        return all.toString();
    }
}
