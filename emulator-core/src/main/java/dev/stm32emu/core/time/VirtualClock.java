package dev.stm32emu.core.time;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The machine's virtual time. Time advances only when the core retires instructions
 * (one cycle each, at the core clock HCLK) or when a sleeping core skips ahead to the
 * next scheduled event, so the same firmware and inputs give the same times on every
 * run. Owned by the machine thread.
 */
public final class VirtualClock {
    private long nowPs;
    private long cycles;
    private long coreHz;
    /** Carry of cycle-to-picosecond conversions, in units of 1/coreHz ps. */
    private long remainder;
    private final List<LongConsumer> frequencyListeners = new ArrayList<>();
    private java.util.function.LongSupplier inflight = () -> 0;

    public VirtualClock(long coreHz) {
        if (coreHz <= 0) {
            throw new IllegalArgumentException("core clock must be positive");
        }
        this.coreHz = coreHz;
    }

    /**
     * Current virtual time in picoseconds since power-on. While the CPU runs a slice this
     * includes the instructions retired so far in it, so peripherals read precise times.
     */
    public long nowPs() {
        long n = inflight.getAsLong();
        if (n <= 0) {
            return nowPs;
        }
        return nowPs + Ticks.mulDiv(n, Ticks.PS_PER_SECOND, coreHz);
    }

    /** Core clock cycles elapsed since power-on (executed plus slept), including the running slice. */
    public long cycles() {
        return cycles + Math.max(0, inflight.getAsLong());
    }

    /** Supplies the instructions retired so far in the running slice (0 when none runs). */
    public void setInflight(java.util.function.LongSupplier supplier) {
        this.inflight = supplier;
    }

    /** The core clock (HCLK) in Hz. */
    public long coreHz() {
        return coreHz;
    }

    /**
     * Changes the core clock, e.g. when RCC switches SYSCLK to the PLL. Listeners (SysTick,
     * timers) re-time themselves from this instant.
     */
    public void setCoreHz(long hz) {
        if (hz <= 0) {
            throw new IllegalArgumentException("core clock must be positive: " + hz);
        }
        if (hz != coreHz) {
            coreHz = hz;
            remainder = 0;
            for (LongConsumer l : List.copyOf(frequencyListeners)) {
                l.accept(hz);
            }
        }
    }

    /** Registers a listener called with the new frequency after every change. */
    public void onCoreFrequencyChange(LongConsumer listener) {
        frequencyListeners.add(listener);
    }

    /** Advances time by executed core cycles. */
    public void advanceCycles(long n) {
        if (n <= 0) {
            return;
        }
        cycles += n;
        // ps = (n * 1e12 + carry) / hz, keeping the remainder so no time is lost.
        long product = n * Ticks.PS_PER_SECOND;
        if (Math.multiplyHigh(n, Ticks.PS_PER_SECOND) == 0 && product >= 0 && product + remainder >= 0) {
            long total = product + remainder;
            nowPs += total / coreHz;
            remainder = total % coreHz;
        } else {
            java.math.BigInteger[] qr = java.math.BigInteger.valueOf(n)
                    .multiply(java.math.BigInteger.valueOf(Ticks.PS_PER_SECOND))
                    .add(java.math.BigInteger.valueOf(remainder))
                    .divideAndRemainder(java.math.BigInteger.valueOf(coreHz));
            nowPs += qr[0].longValueExact();
            remainder = qr[1].longValue();
        }
    }

    /** Jumps forward to {@code ps} (a sleeping core), counting the cycles that pass. */
    public void advanceTo(long ps) {
        if (ps <= nowPs) {
            return;
        }
        cycles += Ticks.ticksIn(ps - nowPs, coreHz);
        nowPs = ps;
        remainder = 0;
    }

    /** Core cycles needed to reach {@code ps} from now, at least 1. */
    public long cyclesUntil(long ps) {
        if (ps <= nowPs) {
            return 1;
        }
        return Math.max(1, Ticks.mulDivCeil(ps - nowPs, coreHz, Ticks.PS_PER_SECOND));
    }

    /** Resets time to zero (power-on of a new machine only). */
    public void resetForPowerOn() {
        nowPs = 0;
        cycles = 0;
        remainder = 0;
    }
}
