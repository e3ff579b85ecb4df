package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.dfu.DfuProgressListener;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Times the phases of a DFU run (erase, write, verify) in wall and in virtual time, from the
 * host's progress reports: a phase runs from its first report until the next phase's first
 * report or {@link #stop()}. Passes every report on to {@code display}.
 *
 * <p>Virtual time is the emulated machine's clock. {@code stm32emu flash} runs the machine with
 * {@link dev.stm32emu.core.time.Pacing#IDLE_REAL_TIME}: the firmware's busy stretches run free
 * and its sleeps while the host waits (bwPollTimeout) take wall time, so a phase's virtual
 * duration is what the same phase would take on a board. With free pacing a sleeping firmware's
 * clock races ahead of a host that sleeps in wall time, and the figure means little.
 */
public final class PhaseClock implements DfuProgressListener {
    private final DfuProgressListener display;
    private final LongSupplier virtualNowPs;
    private final Map<Phase, Duration> totals = new EnumMap<>(Phase.class);
    private Phase current;
    private long startWallNs;
    private long startVirtualPs;

    /** Wall and virtual duration of one phase. */
    public record Duration(long wallNanos, long virtualPs) {
        Duration plus(long wall, long virtual) {
            return new Duration(wallNanos + wall, virtualPs + virtual);
        }
    }

    public PhaseClock(DfuProgressListener display, LongSupplier virtualNowPs) {
        this.display = display;
        this.virtualNowPs = virtualNowPs;
    }

    @Override
    public void progress(Phase phase, long done, long total) {
        if (phase != current) {
            stop();
            current = phase;
            startWallNs = System.nanoTime();
            startVirtualPs = virtualNowPs.getAsLong();
        }
        display.progress(phase, done, total);
    }

    /** Ends the current phase (call when the run ends). */
    public void stop() {
        if (current != null) {
            long wall = System.nanoTime() - startWallNs;
            long virtual = Math.max(0, virtualNowPs.getAsLong() - startVirtualPs);
            totals.merge(current, new Duration(wall, virtual), (a, b) -> a.plus(b.wallNanos(), b.virtualPs()));
            current = null;
        }
    }

    /** The time spent in each phase so far (phases never entered are absent). */
    public Map<Phase, Duration> totals() {
        return Map.copyOf(totals);
    }
}
