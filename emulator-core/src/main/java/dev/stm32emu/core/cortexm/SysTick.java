package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.core.time.VirtualClock;

/**
 * The SysTick timer (ARMv7-M ARM B3.3; facts-cortexm.md §6), counting in virtual time.
 * The counter is not stepped: it is computed from the time elapsed since an anchor,
 * and one scheduler event is kept for the next 1-to-0 transition.
 *
 * <p>Clocks: CLKSOURCE=1 counts the processor clock (HCLK); CLKSOURCE=0 counts the
 * implementation's reference clock, which on STM32 is HCLK/8 (RM0008 §7.2).
 */
public final class SysTick {
    private static final int ENABLE = 1;
    private static final int TICKINT = 2;
    private static final int CLKSOURCE = 4;
    private static final int COUNTFLAG = 1 << 16;

    private final Scheduler scheduler;
    private final VirtualClock clock;
    private final Nvic nvic;
    private final int calib;
    private final int referenceDivider;
    private int csr;
    private int rvr;
    /** Counter value at {@link #anchorPs} (or the frozen value while disabled). */
    private int anchorValue;
    private long anchorPs;
    private long hz;
    private Scheduler.Event next;

    /**
     * @param calib            value of SYST_CALIB (STM32F1: TENMS = 9000)
     * @param referenceDivider HCLK divider of the reference clock (8 on STM32)
     */
    public SysTick(Scheduler scheduler, Nvic nvic, int calib, int referenceDivider) {
        this.scheduler = scheduler;
        this.clock = scheduler.clock();
        this.nvic = nvic;
        this.calib = calib;
        this.referenceDivider = referenceDivider;
        clock.onCoreFrequencyChange(f -> reanchor());
        reset();
    }

    /** CSR=0, RVR=CVR=0 (architecturally UNKNOWN; QEMU and ST use 0). */
    public void reset() {
        cancel();
        csr = 0;
        rvr = 0;
        anchorValue = 0;
    }

    public int readCsr() {
        int v = csr;
        csr &= ~COUNTFLAG; // COUNTFLAG clears when CSR is read
        return v;
    }

    public void writeCsr(int value) {
        int current = currentValue();
        csr = (csr & COUNTFLAG) | (value & (ENABLE | TICKINT | CLKSOURCE));
        anchor(current);
    }

    public int readRvr() {
        return rvr;
    }

    public void writeRvr(int value) {
        // Changing RVR does not change the current count; it applies at the next reload.
        int current = currentValue();
        rvr = value & 0x00FF_FFFF;
        anchor(current);
    }

    public int readCvr() {
        return currentValue();
    }

    public void writeCvr(int value) {
        // Any write clears the counter and COUNTFLAG and does not pend SysTick.
        csr &= ~COUNTFLAG;
        anchor(0);
    }

    public int readCalib() {
        return calib;
    }

    private boolean running() {
        return (csr & ENABLE) != 0;
    }

    private long tickHz() {
        long core = clock.coreHz();
        return (csr & CLKSOURCE) != 0 ? core : Math.max(1, core / referenceDivider);
    }

    private long ticksSinceAnchor() {
        return Ticks.ticksIn(clock.nowPs() - anchorPs, hz);
    }

    private int currentValue() {
        if (!running()) {
            return anchorValue;
        }
        long n = ticksSinceAnchor();
        if (n <= anchorValue) {
            return (int) (anchorValue - n);
        }
        if (rvr == 0) {
            return 0; // reaching 0 with RVR = 0 stops the counter at 0
        }
        long sinceReload = n - anchorValue - 1;
        return (int) (rvr - (sinceReload % (rvr + 1L)));
    }

    private void reanchor() {
        anchor(currentValue());
    }

    private void anchor(int value) {
        cancel();
        anchorValue = value;
        anchorPs = clock.nowPs();
        hz = tickHz();
        scheduleNext();
    }

    private void scheduleNext() {
        if (!running()) {
            return;
        }
        long n = ticksSinceAnchor();
        long first = anchorValue > 0 ? anchorValue : rvr + 1L;
        if (anchorValue == 0 && rvr == 0) {
            return;
        }
        long target;
        if (n < first) {
            target = first;
        } else if (rvr == 0) {
            return;
        } else {
            long period = rvr + 1L;
            target = first + ((n - first) / period + 1) * period;
        }
        long at = anchorPs + Ticks.psFor(target, hz);
        next = scheduler.at(at, this::expire);
    }

    private void expire() {
        next = null;
        csr |= COUNTFLAG;
        if ((csr & TICKINT) != 0) {
            nvic.setPending(Exceptions.SYSTICK);
        }
        // Re-anchor at the reload so numbers stay small and the period stays exact.
        if (rvr == 0) {
            anchorValue = 0;
            anchorPs = clock.nowPs();
            return;
        }
        long n = ticksSinceAnchor();
        long first = anchorValue > 0 ? anchorValue : rvr + 1L;
        long periods = n < first ? 0 : (n - first) / (rvr + 1L);
        long zeroTick = first + periods * (rvr + 1L);
        anchorPs = anchorPs + Ticks.psFor(zeroTick, hz);
        anchorValue = 0;
        // From a zero crossing, the next one is RVR+1 ticks later: same as starting from 0.
        scheduleNext();
    }

    private void cancel() {
        if (next != null) {
            next.cancel();
            next = null;
        }
    }
}
