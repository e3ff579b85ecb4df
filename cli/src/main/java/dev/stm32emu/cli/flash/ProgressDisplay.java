package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.dfu.DfuProgressListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a DFU run's progress: a bar redrawn in place on a terminal, or one line per finished
 * phase when the output is a file or a pipe (no carriage returns in logs).
 */
public final class ProgressDisplay implements DfuProgressListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private Phase phase;
    private long phaseStartNs;
    private int lastDrawn = -1;

    /** @param terminal draw a bar with carriage returns; otherwise print a line when a phase completes */
    public ProgressDisplay(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Whether standard input and output are a terminal (a person watches; bars are fine). */
    public static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void progress(Phase p, long done, long total) {
        if (p != phase) {
            phase = p;
            phaseStartNs = System.nanoTime();
            lastDrawn = -1;
        }
        boolean finished = total > 0 && done >= total;
        if (terminal) {
            int percent = total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
            if (percent != lastDrawn) {
                lastDrawn = percent;
                int filled = percent * WIDTH / 100;
                out.printf("\r  %-7s [%s%s] %3d%%  %,d/%,d bytes", label(p), "#".repeat(filled),
                        ".".repeat(WIDTH - filled), percent, done, total);
                if (finished) {
                    out.printf(" in %s%n", seconds(System.nanoTime() - phaseStartNs));
                }
                out.flush();
            }
        } else if (finished && lastDrawn != 100) {
            lastDrawn = 100;
            out.printf("  %-7s 100%%  %,d bytes in %s%n", label(p), total, seconds(System.nanoTime() - phaseStartNs));
        }
    }

    private static String label(Phase p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
