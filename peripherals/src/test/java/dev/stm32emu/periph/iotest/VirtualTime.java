package dev.stm32emu.periph.iotest;

import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.VirtualClock;

/** A real VirtualClock and Scheduler, advanced by hand, running events at their times. */
public final class VirtualTime {
    public static final long NS = 1_000L;
    public static final long US = 1_000_000L;
    public static final long MS = 1_000_000_000L;

    private final VirtualClock clock = new VirtualClock(72_000_000);
    private final Scheduler scheduler = new Scheduler(clock);

    public VirtualClock clock() {
        return clock;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public long now() {
        return clock.nowPs();
    }

    /** Advances by {@code ps}, running each due event at its own time. */
    public void advance(long ps) {
        advanceTo(clock.nowPs() + ps);
    }

    /** Advances to absolute time {@code ps}, running each due event at its own time. */
    public void advanceTo(long ps) {
        while (scheduler.nextEventPs() <= ps) {
            clock.advanceTo(scheduler.nextEventPs());
            scheduler.runDue();
        }
        clock.advanceTo(ps);
        scheduler.runDue();
    }
}
