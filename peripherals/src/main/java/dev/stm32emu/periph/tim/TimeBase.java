package dev.stm32emu.periph.tim;

import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.core.time.VirtualClock;

import java.util.function.BooleanSupplier;

/**
 * A timer's time base between two register accesses (RM0008 §15.3.1): the counter and the
 * prescaler counter as they were at an anchor tick of the timer clock, from which both
 * follow linearly until the next overflow. Tick numbers count from {@link #epochPs}, so
 * successive periods add up without rounding drift; a clock change starts a new epoch.
 * The owning timer processes overflows; this class only does the arithmetic.
 */
final class TimeBase {
    private final VirtualClock clock;
    private final BooleanSupplier countingDown;
    /** TIMxCLK in use. */
    long hz;
    /** Time of timer-clock tick 0. */
    long epochPs;
    long anchorTick;
    int anchorCount;
    int anchorPrescaler;
    int pscShadow;
    int arrShadow = 0xFFFF;
    boolean counting;

    TimeBase(VirtualClock clock, BooleanSupplier countingDown) {
        this.clock = clock;
        this.countingDown = countingDown;
    }

    void reset() {
        anchorTick = 0;
        anchorCount = 0;
        anchorPrescaler = 0;
        pscShadow = 0;
        arrShadow = 0xFFFF;
        counting = false;
    }

    /** Starts a new epoch at {@code nowPs} with the timer clock at {@code newHz}. */
    void rebase(long newHz, long nowPs) {
        hz = newHz;
        epochPs = nowPs;
        anchorTick = 0;
    }

    /** Counting, clocked, and not blocked by ARR = 0 ("the counter is blocked while ARR is null"). */
    boolean advancing() {
        return counting && hz > 0 && arrShadow != 0;
    }

    /** Whole timer-clock ticks since the epoch. */
    long nowTick() {
        return hz > 0 ? Ticks.ticksIn(clock.nowPs() - epochPs, hz) : anchorTick;
    }

    /** The time at which tick {@code tick} of this epoch occurs. */
    long timeOfTick(long tick) {
        return epochPs + Ticks.psFor(tick, hz);
    }

    /** Timer-clock ticks from the anchor to the next overflow (up) or underflow (down). */
    long ticksToOverflow() {
        long counts;
        if (countingDown.getAsBoolean()) {
            counts = anchorCount + 1L;
        } else if (anchorCount <= arrShadow) {
            counts = arrShadow - anchorCount + 1L;
        } else {
            counts = 0x10000L - anchorCount + arrShadow + 1L; // past ARR: on to 0xFFFF, wrap, up to ARR
        }
        return counts * (pscShadow + 1L) - anchorPrescaler;
    }

    /** Timer-clock ticks of a whole period once the shadows are loaded. */
    long periodTicks() {
        return (arrShadow + 1L) * (pscShadow + 1L);
    }

    /** CNT now; valid while now is before the next overflow. */
    int count() {
        if (!advancing()) {
            return anchorCount;
        }
        return countFrom((nowTick() - anchorTick + anchorPrescaler) / (pscShadow + 1L));
    }

    /** Moves the anchor to now, keeping counter and prescaler phase. */
    void anchorNow() {
        long now = nowTick();
        if (advancing()) {
            long total = now - anchorTick + anchorPrescaler;
            anchorPrescaler = (int) (total % (pscShadow + 1L));
            anchorCount = countFrom(total / (pscShadow + 1L));
        }
        anchorTick = now;
    }

    /** CEN changed: counting starts or stops from the current count. */
    void setCounting(boolean on) {
        counting = on;
        anchorTick = nowTick();
    }

    /** A firmware write of CNT. */
    void setCount(int value) {
        anchorCount = value & 0xFFFF;
    }

    /** UG: counter and prescaler counter restart now. */
    void restart() {
        anchorTick = nowTick();
        restartAtAnchor();
    }

    /** After an overflow or UG: the counter restarts from 0 (up) or ARR (down). */
    void restartAtAnchor() {
        anchorPrescaler = 0;
        anchorCount = countingDown.getAsBoolean() ? arrShadow : 0;
    }

    private int countFrom(long counts) {
        return countingDown.getAsBoolean() ? (int) (anchorCount - counts) : (int) ((anchorCount + counts) & 0xFFFF);
    }
}
