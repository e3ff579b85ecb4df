package dev.stm32emu.periph.iwdg;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;
import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.periph.rcc.ClockTree;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * STM32F1 independent watchdog (RM0008 §19; facts-stm32f1.md §7.1). On APB1: narrow
 * stores are replicated across the word, so a byte write of 0xAA to KR is a reload.
 *
 * <p>KR: 0xCCCC starts the watchdog, which forces the LSI on (RM0008 §19.3.1: the board
 * passes the RCC's {@code forceLsiOn}); the down-counter starts from 0xFFF. 0xAAAA
 * reloads it from RLR. 0x5555 unlocks PR and RLR; any other value, 0xAAAA included,
 * locks them again (§19.3.3). Writes to a locked PR/RLR are ignored and logged as guest
 * errors. The counter runs at LSI/(4*2^PR) (PR 6 and 7 both /256); when it passes 0 the
 * watchdog requests a system reset with IWDGRSTF, so the timeout from a reload is
 * 4*2^PR*(RL+1)/f_LSI. A started watchdog cannot be stopped, except by a reset.
 *
 * <p>PR and RLR cross into the VDD domain: SR.PVU/RVU are set by the write and clear 5
 * LSI cycles later ("up to 5 RC 40 kHz cycles", §19.4.4), when the new value takes
 * effect. The cycles count only while the LSI runs; with the LSI off they stay set, as
 * observed on silicon (facts-stm32f1.md §7.1). With the option byte WDG_SW=0 (hardware
 * watchdog) every reset starts it. Reset ordering: the flash controller (option bytes)
 * and the RCC must be reset before this device.
 */
public final class Stm32f1Iwdg extends RegisterDevice {
    private static final int UPDATE_LSI_CYCLES = 5;
    private static final int START_COUNT = 0xFFF;

    private final Scheduler scheduler;
    private final ClockTree clocks;
    private final Runnable forceLsiOn;
    private final BooleanSupplier hardwareWatchdog;
    private final Consumer<ResetKind> resetRequester;
    private final Field pr;
    private final Field rl;
    private final Flag pvu;
    private final Flag rvu;
    private boolean running;
    private boolean unlocked;
    /** The prescaler and reload the counter uses (PR/RLR once their update completed). */
    private int activePrescaler;
    private int activeReload;
    /** Counter value at {@link #anchorPs}. */
    private long anchorCount;
    private long anchorPs;
    private long deadlinePs;
    private Scheduler.Event expiry;
    private Scheduler.Event prUpdate;
    private Scheduler.Event rlUpdate;

    /**
     * @param clocks           the RCC's clock tree (LSI frequency)
     * @param forceLsiOn       the RCC's LSI force-on (Stm32f1Rcc::forceLsiOn)
     * @param hardwareWatchdog option byte USER.WDG_SW is 0 (the flash controller's loaded option bytes)
     * @param resetRequester   asks for a system reset (Machine::requestReset)
     */
    public Stm32f1Iwdg(DeviceLog log, Scheduler scheduler, ClockTree clocks, Runnable forceLsiOn,
                       BooleanSupplier hardwareWatchdog, Consumer<ResetKind> resetRequester) {
        super(log, BusWidth.REPLICATED);
        this.scheduler = scheduler;
        this.clocks = clocks;
        this.forceLsiOn = forceLsiOn;
        this.hardwareWatchdog = hardwareWatchdog;
        this.resetRequester = resetRequester;

        // 16-bit registers: a narrow store replicated over bits 31:16 is legal, so they are reserved, not logged
        Register kr = regs.define(Reg.KR, 0).reserved(16, 16);
        kr.field("KEY", 0, 16, Access.W);
        kr.onWrite((value, lanes) -> key(value & 0xFFFF));

        pr = regs.define(Reg.PR, 0).reserved(16, 16).field("PR", 0, 3, Access.RW);
        rl = regs.define(Reg.RLR, START_COUNT).reserved(16, 16).field("RL", 0, 12, Access.RW);
        Register sr = regs.define(Reg.SR, 0).reserved(16, 16);
        pvu = sr.flag("PVU", 0, Access.R);
        rvu = sr.flag("RVU", 1, Access.R);
        pr.onWrite((o, n) -> {
            if (protect(pr, o)) {
                pvu.set(true);
                prUpdate = startUpdate(prUpdate, this::prescalerUpdated);
            }
        });
        rl.onWrite((o, n) -> {
            if (protect(rl, o)) {
                rvu.set(true);
                rlUpdate = startUpdate(rlUpdate, this::reloadUpdated);
            }
        });
        clocks.addListener(this::lsiMayHaveStarted);
        activeReload = START_COUNT;
    }

    /** Everything stopped and back to reset values; a hardware watchdog starts again at once. */
    @Override
    public void reset(ResetKind kind) {
        regs.reset();
        for (Scheduler.Event e : new Scheduler.Event[]{expiry, prUpdate, rlUpdate}) {
            if (e != null) {
                e.cancel();
            }
        }
        expiry = prUpdate = rlUpdate = null;
        running = false;
        unlocked = false;
        activePrescaler = 0;
        activeReload = START_COUNT;
        if (hardwareWatchdog.getAsBoolean()) {
            start();
        }
    }

    /** Whether the watchdog runs. */
    public boolean isRunning() {
        return running;
    }

    // ---- internals ------------------------------------------------------------------

    private void key(int key) {
        switch (key) {
            case 0xCCCC -> start();
            case 0xAAAA -> {
                if (running) {
                    reanchor(activeReload);
                }
            }
            default -> {
            }
        }
        unlocked = key == 0x5555;
    }

    private void start() {
        if (running) {
            return;
        }
        running = true;
        forceLsiOn.run();
        reanchor(START_COUNT);
    }

    /** Whether a PR/RLR write may stand; undoes it when they are locked. */
    private boolean protect(Field field, int old) {
        if (unlocked) {
            return true;
        }
        field.set(old);
        log.guestError("locked" + field.name(), field.name() + " write ignored: write 0x5555 to KR first (RM0008 §19.3.3)");
        return false;
    }

    private Scheduler.Event startUpdate(Scheduler.Event inProgress, Runnable done) {
        if (inProgress != null) {
            inProgress.cancel();
        }
        long lsi = clocks.lsiHz();
        return lsi == 0 ? null : scheduler.after(Ticks.psFor(UPDATE_LSI_CYCLES, lsi), done);
    }

    private void prescalerUpdated() {
        prUpdate = null;
        long count = currentCount();
        pvu.set(false);
        activePrescaler = pr.get();
        reanchor(count);
    }

    private void reloadUpdated() {
        rlUpdate = null;
        rvu.set(false);
        activeReload = rl.get();
    }

    /** The LSI was off during a PR/RLR write: the update starts counting once it runs. */
    private void lsiMayHaveStarted() {
        if (clocks.lsiHz() == 0) {
            return;
        }
        if (pvu.isSet() && prUpdate == null) {
            prUpdate = startUpdate(null, this::prescalerUpdated);
        }
        if (rvu.isSet() && rlUpdate == null) {
            rlUpdate = startUpdate(null, this::reloadUpdated);
        }
    }

    private long divider() {
        return 4L << Math.min(activePrescaler, 6);
    }

    private long currentCount() {
        if (!running) {
            return anchorCount;
        }
        long lsiCycles = Ticks.ticksIn(scheduler.clock().nowPs() - anchorPs, Math.max(1, clocks.lsiHz()));
        return Math.max(0, anchorCount - lsiCycles / divider());
    }

    /** The counter holds {@code count} now; the reset comes when it passes 0. */
    private void reanchor(long count) {
        anchorCount = count;
        anchorPs = scheduler.clock().nowPs();
        long lsi = clocks.lsiHz();
        if (!running || lsi == 0) {
            return;
        }
        deadlinePs = anchorPs + Ticks.psFor((count + 1) * divider(), lsi);
        // One event is kept; a reload only moves the deadline later, and the event re-arms.
        if (expiry == null || expiry.atPs() > deadlinePs) {
            if (expiry != null) {
                expiry.cancel();
            }
            expiry = scheduler.at(deadlinePs, this::expire);
        }
    }

    private void expire() {
        expiry = null;
        if (scheduler.clock().nowPs() < deadlinePs) {
            expiry = scheduler.at(deadlinePs, this::expire);
            return;
        }
        resetRequester.accept(ResetKind.INDEPENDENT_WATCHDOG);
    }

    private enum Reg implements RegisterOffset {
        /** IWDG_KR, key register. */
        KR(0x00),
        /** IWDG_PR, prescaler register. */
        PR(0x04),
        /** IWDG_RLR, reload register. */
        RLR(0x08),
        /** IWDG_SR, status register. */
        SR(0x0C);

        private final int offset;

        Reg(int offset) {
            this.offset = offset;
        }

        @Override
        public int offset() {
            return offset;
        }
    }
}
