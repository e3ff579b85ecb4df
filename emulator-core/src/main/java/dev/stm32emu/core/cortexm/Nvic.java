package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.IrqLine;

import java.util.Arrays;

/**
 * Exception state of an ARMv7-M core: enable, pending and active bits and priorities of
 * every exception, interrupt lines, priority grouping, and the choice of what to take
 * next (ARMv7-M ARM B1.5; facts-cortexm.md §2). The register interface lives in
 * {@link SystemControlSpace}; this class is the model behind it.
 *
 * <p>Interrupt inputs are level-sensitive, as STM32 peripheral lines are: a high line
 * makes its interrupt pending, a clear-pending does not stick while the line is high
 * and the interrupt is not active, and an interrupt whose line is still high when its
 * handler returns is pending again (QEMU armv7m_nvic.c follows the same rules).
 */
public final class Nvic {
    /** Priority meaning "nothing active and no mask": below every real priority. */
    public static final int NO_PRIORITY = 0x100;

    private final int irqCount;
    private final int priorityMask;
    private final int count;
    private final boolean[] enabled;
    private final boolean[] pending;
    private final boolean[] active;
    private final boolean[] lineHigh;
    private final int[] priority;
    private final IrqLine[] lines;
    private int prigroup;
    private int pendingCount;
    private int activeCount;
    private Runnable onPendingChange = () -> {
    };

    /**
     * @param irqCount     external interrupt lines (STM32F103xB: 43)
     * @param priorityBits implemented priority bits (4 on every STM32F1/F4)
     */
    public Nvic(int irqCount, int priorityBits) {
        if (irqCount < 1 || irqCount > 240) {
            throw new IllegalArgumentException("irqCount must be 1..240: " + irqCount);
        }
        this.irqCount = irqCount;
        this.priorityMask = (0xFF << (8 - priorityBits)) & 0xFF;
        this.count = Exceptions.IRQ0 + irqCount;
        enabled = new boolean[count];
        pending = new boolean[count];
        active = new boolean[count];
        lineHigh = new boolean[count];
        priority = new int[count];
        lines = new IrqLine[irqCount];
        for (int i = 0; i < irqCount; i++) {
            int exc = Exceptions.IRQ0 + i;
            lines[i] = new IrqLine() {
                private boolean level;

                @Override
                public void set(boolean l) {
                    if (l != level) {
                        level = l;
                        setLine(exc, l);
                    }
                }
            };
        }
        reset();
    }

    /** Called whenever something may have become takeable (the machine stops the slice). */
    public void setOnPendingChange(Runnable callback) {
        this.onPendingChange = callback;
    }

    /** Number of external interrupt lines. */
    public int irqCount() {
        return irqCount;
    }

    /** Number of exception numbers (16 + lines). */
    public int exceptionCount() {
        return count;
    }

    /** Mask of implemented priority bits (0xF0 with 4 bits). */
    public int priorityMask() {
        return priorityMask;
    }

    /** The input line of external interrupt {@code irq}. */
    public IrqLine line(int irq) {
        return lines[irq];
    }

    /** Back to the reset state: nothing enabled, pending or active; priorities 0; PRIGROUP 0. */
    public void reset() {
        Arrays.fill(enabled, false);
        Arrays.fill(pending, false);
        Arrays.fill(active, false);
        Arrays.fill(priority, 0);
        priority[Exceptions.RESET] = -3;
        priority[Exceptions.NMI] = -2;
        priority[Exceptions.HARD_FAULT] = -1;
        for (int e : new int[]{Exceptions.NMI, Exceptions.HARD_FAULT, Exceptions.SVCALL, Exceptions.PENDSV,
                Exceptions.SYSTICK}) {
            enabled[e] = true;
        }
        // Lines keep their level across a core reset; a high line pends again.
        for (int e = Exceptions.IRQ0; e < count; e++) {
            if (lineHigh[e]) {
                pending[e] = true;
            }
        }
        prigroup = 0;
        recount();
    }

    public boolean isValid(int exc) {
        return exc >= 1 && exc < count;
    }

    public boolean isPending(int exc) {
        return pending[exc];
    }

    public boolean isActive(int exc) {
        return active[exc];
    }

    public boolean isEnabled(int exc) {
        return enabled[exc];
    }

    /** Makes an exception pending (software or hardware request). */
    public void setPending(int exc) {
        if (!pending[exc]) {
            pending[exc] = true;
            pendingCount++;
            onPendingChange.run();
        }
    }

    /** Clears a pending request; does not stick for a high line of an inactive interrupt. */
    public void clearPending(int exc) {
        if (pending[exc] && !(lineHigh[exc] && !active[exc])) {
            pending[exc] = false;
            pendingCount--;
        }
    }

    public void setEnabled(int exc, boolean on) {
        if (enabled[exc] != on) {
            enabled[exc] = on;
            if (on && pending[exc]) {
                onPendingChange.run();
            }
        }
    }

    /** Host-side (SHCSR) write of an active bit. */
    public void setActive(int exc, boolean on) {
        if (active[exc] != on) {
            active[exc] = on;
            activeCount += on ? 1 : -1;
            if (!on) {
                onPendingChange.run();
            }
        }
    }

    /** The configured raw priority (negative for Reset, NMI, HardFault). */
    public int priority(int exc) {
        return priority[exc];
    }

    /** Sets a configurable priority; unimplemented low bits read as zero. */
    public void setPriority(int exc, int value) {
        if (exc >= Exceptions.MEM_MANAGE) {
            priority[exc] = value & priorityMask;
            onPendingChange.run();
        }
    }

    public int prigroup() {
        return prigroup;
    }

    public void setPrigroup(int value) {
        prigroup = value & 7;
        onPendingChange.run();
    }

    /** Group (preemption) priority of a raw priority under the current PRIGROUP. */
    public int groupPriority(int prio) {
        if (prio < 0) {
            return prio;
        }
        return prio & (0xFF << (prigroup + 1)) & 0xFF;
    }

    /**
     * Current execution priority: the highest active group priority, boosted by BASEPRI,
     * PRIMASK and FAULTMASK (ARMv7-M B1.5.4; QEMU nvic_exec_prio).
     */
    public int executionPriority(boolean primask, int basepri, boolean faultmask) {
        int running = NO_PRIORITY;
        if (activeCount > 0) {
            for (int e = 1; e < count; e++) {
                if (active[e]) {
                    running = Math.min(running, groupPriority(priority[e]));
                }
            }
        }
        if ((basepri & 0xFF) != 0) {
            running = Math.min(running, groupPriority(basepri & 0xFF));
        }
        if (primask) {
            running = Math.min(running, 0);
        }
        if (faultmask) {
            running = Math.min(running, -1);
        }
        return running;
    }

    /** Execution priority ignoring the masks: only what is active. */
    public int activePriority() {
        return executionPriority(false, 0, false);
    }

    /**
     * The pending, enabled exception that would be taken first: lowest priority value
     * (group, then subpriority), then lowest number. 0 if none.
     */
    public int highestPending() {
        if (pendingCount == 0) {
            return 0;
        }
        int best = 0;
        int bestPrio = Integer.MAX_VALUE;
        for (int e = 1; e < count; e++) {
            if (pending[e] && enabled[e] && priority[e] < bestPrio) {
                best = e;
                bestPrio = priority[e];
            }
        }
        return best;
    }

    /** Whether exception {@code exc} (pending) would preempt at execution priority {@code execPrio}. */
    public boolean canPreempt(int exc, int execPrio) {
        return groupPriority(priority[exc]) < execPrio;
    }

    /** Marks an exception taken: active, no longer pending. */
    public void acknowledge(int exc) {
        if (pending[exc]) {
            pending[exc] = false;
            pendingCount--;
        }
        if (!active[exc]) {
            active[exc] = true;
            activeCount++;
        }
    }

    /**
     * Deactivates an exception on return. A still-high interrupt line pends it again.
     *
     * @return false if it was not active (an INVPC UsageFault for the caller)
     */
    public boolean deactivate(int exc) {
        if (!active[exc]) {
            return false;
        }
        active[exc] = false;
        activeCount--;
        if (lineHigh[exc] && !pending[exc]) {
            pending[exc] = true;
            pendingCount++;
        }
        return true;
    }

    /** Number of active exceptions. */
    public int activeCount() {
        return activeCount;
    }

    /** Whether any exception is pending (enabled or not). */
    public boolean anyPending() {
        return pendingCount > 0;
    }

    /** Whether any external interrupt is pending (ICSR.ISRPENDING). */
    public boolean anyIrqPending() {
        for (int e = Exceptions.IRQ0; e < count; e++) {
            if (pending[e]) {
                return true;
            }
        }
        return false;
    }

    private void setLine(int exc, boolean level) {
        lineHigh[exc] = level;
        if (level && !pending[exc]) {
            pending[exc] = true;
            pendingCount++;
            onPendingChange.run();
        }
    }

    private void recount() {
        pendingCount = 0;
        activeCount = 0;
        for (int e = 0; e < count; e++) {
            pendingCount += pending[e] ? 1 : 0;
            activeCount += active[e] ? 1 : 0;
        }
    }
}
