package dev.stm32emu.periph.tim;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;
import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.periph.rcc.ClockTree;

/**
 * An STM32F1 general-purpose timer, TIM2..TIM5 (RM0008 §15; registers §15.4;
 * facts-stm32f1.md §8): the time base (prescaler, counter, auto-reload) counting up or
 * down in virtual time at TIMxCLK, with the update event and its interrupt.
 *
 * <p>Update-event rules (RM0008 §15.3.1-15.3.2):
 * <ul>
 * <li>PSC is always preloaded: a new value takes effect at the next update event. ARR is
 *     preloaded when CR1.ARPE=1, else written through. ARR resets to 0xFFFF.</li>
 * <li>An overflow (up: CNT=ARR; down: CNT=0) restarts the counter (0, or ARR down) and,
 *     when UDIS=0, is an update event: shadows load, UIF is set, OPM clears CEN.</li>
 * <li>EGR.UG clears the counter (ARR when counting down) and the prescaler counter; when
 *     UDIS=0 it loads the shadows and sets UIF only if URS=0.</li>
 * <li>The counter is blocked while the auto-reload value is 0. Above ARR an up-counter
 *     runs to 0xFFFF and wraps to 0 without an update event (unverified on silicon).</li>
 * </ul>
 * The counter is not stepped: it is computed from timer-clock ticks elapsed since an
 * anchor ({@link TimeBase}), brought up to date before every register access. A scheduler event is kept only
 * while an update interrupt is enabled and not already pending. Clock changes
 * ({@link ClockTree} listener) re-time the counter from that instant.
 *
 * <p>Not modelled, stored and logged as unimplemented: center-aligned modes (counted as
 * edge-aligned), slave/master modes and triggers, input capture and output compare (CCRx,
 * CCMRx, CCER store; EGR.CCxG/TG only set their flags), DMA requests.
 */
public final class Stm32f1GeneralPurposeTimer extends RegisterDevice {
    private static final int SR_INTERRUPT_FLAGS = 0x5F;

    private final Scheduler scheduler;
    private final ClockTree clocks;
    private final int apb;
    private final IrqLine irq;
    private final Flag cen;
    private final Flag udis;
    private final Flag urs;
    private final Flag opm;
    private final Flag dir;
    private final Flag arpe;
    private final Register dier;
    private final Flag uie;
    private final Register sr;
    private final Flag uif;
    private final Field psc;
    private final Field arr;

    private final TimeBase counter;
    private Scheduler.Event updateEvent;

    /**
     * @param clocks the clock tree; the timer counts at {@code timerClockHz(apb)}
     * @param apb    1 for TIM2-7, 2 for TIM1/TIM8
     * @param irq    the timer's NVIC line (TIM2 28, TIM3 29, TIM4 30 on STM32F103)
     */
    public Stm32f1GeneralPurposeTimer(DeviceLog log, Scheduler scheduler, ClockTree clocks, int apb, IrqLine irq) {
        super(log, BusWidth.REPLICATED);
        this.scheduler = scheduler;
        this.clocks = clocks;
        this.apb = apb;
        this.irq = irq;

        Register cr1 = regs.define(Reg.CR1, 0).reserved(10, 22);
        cen = cr1.flag("CEN", 0, Access.RW);
        udis = cr1.flag("UDIS", 1, Access.RW);
        urs = cr1.flag("URS", 2, Access.RW);
        opm = cr1.flag("OPM", 3, Access.RW);
        dir = cr1.flag("DIR", 4, Access.RW);
        cr1.unimplemented("CMS", 5, 2);
        arpe = cr1.flag("ARPE", 7, Access.RW);
        cr1.unimplemented("CKD", 8, 2);
        counter = new TimeBase(scheduler.clock(), dir::isSet);
        cen.onChange(counter::setCounting);

        Register cr2 = regs.define(Reg.CR2, 0).reserved(0, 3).reserved(8, 24);
        cr2.unimplemented("CCDS", 3, 1);
        cr2.unimplemented("MMS", 4, 3);
        cr2.unimplemented("TI1S", 7, 1);

        Register smcr = regs.define(Reg.SMCR, 0).reserved(3, 1).reserved(16, 16);
        smcr.unimplemented("SMS", 0, 3);
        smcr.unimplemented("TS", 4, 3);
        smcr.unimplemented("MSM", 7, 1);
        smcr.unimplemented("ETF", 8, 4);
        smcr.unimplemented("ETPS", 12, 2);
        smcr.unimplemented("ECE", 14, 1);
        smcr.unimplemented("ETP", 15, 1);

        dier = regs.define(Reg.DIER, 0).reserved(5, 1).reserved(7, 1).reserved(13, 1).reserved(15, 17);
        uie = dier.flag("UIE", 0, Access.RW);
        for (int ch = 1; ch <= 4; ch++) {
            dier.unimplemented("CC" + ch + "IE", ch, 1);
            dier.unimplemented("CC" + ch + "DE", 8 + ch, 1);
        }
        dier.unimplemented("TIE", 6, 1);
        dier.unimplemented("UDE", 8, 1);
        dier.unimplemented("TDE", 14, 1);

        sr = regs.define(Reg.SR, 0).reserved(5, 1).reserved(7, 2).reserved(13, 19);
        uif = sr.flag("UIF", 0, Access.RC_W0);
        for (int ch = 1; ch <= 4; ch++) {
            sr.flag("CC" + ch + "IF", ch, Access.RC_W0);
            sr.flag("CC" + ch + "OF", 8 + ch, Access.RC_W0);
        }
        sr.flag("TIF", 6, Access.RC_W0);

        Register egr = regs.define(Reg.EGR, 0).reserved(5, 1).reserved(7, 25);
        egr.flag("UG", 0, Access.W);
        for (int ch = 1; ch <= 4; ch++) {
            egr.flag("CC" + ch + "G", ch, Access.W);
        }
        egr.flag("TG", 6, Access.W);
        egr.onWrite((v, lanes) -> eventGenerated(v));

        declareCaptureCompareMode(regs.define(Reg.CCMR1, 0).reserved(16, 16), 1);
        declareCaptureCompareMode(regs.define(Reg.CCMR2, 0).reserved(16, 16), 3);
        Register ccer = regs.define(Reg.CCER, 0).reserved(16, 16);
        for (int ch = 1; ch <= 4; ch++) {
            ccer.unimplemented("CC" + ch + "E", 4 * (ch - 1), 1);
            ccer.unimplemented("CC" + ch + "P", 4 * (ch - 1) + 1, 1);
        }
        ccer.reserved(2, 2).reserved(6, 2).reserved(10, 2).reserved(14, 2);

        regs.define(Reg.CNT, 0).reserved(16, 16).field("CNT", 0, 16, Access.RW)
                .readsAs(counter::count).onWrite((o, n) -> counter.setCount(n));
        psc = regs.define(Reg.PSC, 0).reserved(16, 16).field("PSC", 0, 16, Access.RW);
        arr = regs.define(Reg.ARR, 0xFFFF).reserved(16, 16).field("ARR", 0, 16, Access.RW);
        arr.onWrite((o, n) -> {
            if (!arpe.isSet()) {
                counter.arrShadow = n;
            }
        });
        Reg[] ccr = {Reg.CCR1, Reg.CCR2, Reg.CCR3, Reg.CCR4};
        for (int ch = 1; ch <= 4; ch++) {
            regs.define(ccr[ch - 1], 0).reserved(16, 16).field("CCR" + ch, 0, 16, Access.RW);
        }
        Register dcr = regs.define(Reg.DCR, 0).reserved(5, 3).reserved(13, 19);
        dcr.unimplemented("DBA", 0, 5);
        dcr.unimplemented("DBL", 8, 5);
        regs.define(Reg.DMAR, 0).reserved(16, 16).unimplemented("DMAB", 0, 16);

        clocks.addListener(this::clocksChanged);
        counter.rebase(clocks.timerClockHz(apb), scheduler.clock().nowPs());
    }

    /** Brings the counter up to now, then performs the access (RM0008 registers are live). */
    @Override
    public int read(int offset, int size) {
        catchUp();
        return super.read(offset, size);
    }

    /**
     * Brings the counter up to now and anchors it there, so that the write (which may
     * change the direction, the reload value or the count) applies from this instant.
     */
    @Override
    public void write(int offset, int size, int value) {
        catchUp();
        counter.anchorNow();
        super.write(offset, size, value);
        reschedule();
        updateInterrupts();
    }

    /** The counter value now (CNT), for tests and tracing. */
    public int count() {
        catchUp();
        return counter.count();
    }

    @Override
    protected void onReset(ResetKind kind) {
        cancelEvent();
        counter.reset();
        counter.rebase(clocks.timerClockHz(apb), scheduler.clock().nowPs());
    }

    @Override
    protected void updateInterrupts() {
        irq.set((sr.value() & dier.value() & SR_INTERRUPT_FLAGS) != 0);
    }

    private void declareCaptureCompareMode(Register r, int firstChannel) {
        for (int i = 0; i < 2; i++) {
            int ch = firstChannel + i;
            int base = 8 * i;
            r.unimplemented("CC" + ch + "S", base, 2);
            r.unimplemented("OC" + ch + "FE", base + 2, 1);
            r.unimplemented("OC" + ch + "PE", base + 3, 1);
            r.unimplemented("OC" + ch + "M", base + 4, 3);
            r.unimplemented("OC" + ch + "CE", base + 7, 1);
        }
    }

    private void eventGenerated(int bits) {
        if ((bits & 1) != 0) {
            // UG: re-initialize the counter and the prescaler counter (RM0008 §15.4.6).
            if (!udis.isSet()) {
                loadShadows();
                if (!urs.isSet()) {
                    uif.set(true);
                }
            }
            counter.restart();
        }
        // CCxG / TG set their flags; captures and triggers are not modelled.
        sr.setValue(sr.value() | (bits & 0x5E));
    }

    private void loadShadows() {
        counter.pscShadow = psc.get();
        counter.arrShadow = arr.get();
    }

    /** Processes every overflow up to now. */
    private void catchUp() {
        TimeBase c = counter;
        if (!c.advancing()) {
            return;
        }
        long now = c.nowTick();
        long due = c.anchorTick + c.ticksToOverflow();
        if (now < due) {
            return;
        }
        overflow(due);
        if (!c.advancing()) {
            return;
        }
        // Every further period is identical: the shadows are loaded and UIF is set already.
        long period = c.periodTicks();
        if (now - c.anchorTick >= period) {
            c.anchorTick += (now - c.anchorTick) / period * period;
        }
    }

    private void overflow(long tick) {
        if (!udis.isSet()) {
            loadShadows();
            uif.set(true);
            if (opm.isSet()) {
                cen.set(false); // one-pulse mode stops at the update event
                counter.counting = false;
            }
        }
        counter.anchorTick = tick;
        counter.restartAtAnchor();
    }

    private void reschedule() {
        TimeBase c = counter;
        if (c.advancing() && uie.isSet() && !uif.isSet() && !udis.isSet()) {
            long due = c.anchorTick + c.ticksToOverflow();
            long at = c.timeOfTick(due);
            if (updateEvent != null && updateEvent.isPending() && updateEvent.atPs() == at) {
                return;
            }
            cancelEvent();
            updateEvent = scheduler.at(at, this::updateDue);
        } else {
            cancelEvent();
        }
    }

    private void updateDue() {
        updateEvent = null;
        catchUp();
        reschedule();
        updateInterrupts();
    }

    private void clocksChanged() {
        long hz = clocks.timerClockHz(apb);
        if (hz == counter.hz) {
            return;
        }
        catchUp();
        counter.anchorNow();
        counter.rebase(hz, scheduler.clock().nowPs());
        reschedule();
        updateInterrupts();
    }

    private void cancelEvent() {
        if (updateEvent != null) {
            updateEvent.cancel();
            updateEvent = null;
        }
    }

    /** TIMx registers (RM0008 §15.4). */
    enum Reg implements RegisterOffset {
        /** Control register 1. */
        CR1(0x00),
        /** Control register 2. */
        CR2(0x04),
        /** Slave mode control register. */
        SMCR(0x08),
        /** DMA/interrupt enable register. */
        DIER(0x0C),
        /** Status register. */
        SR(0x10),
        /** Event generation register. */
        EGR(0x14),
        /** Capture/compare mode register 1. */
        CCMR1(0x18),
        /** Capture/compare mode register 2. */
        CCMR2(0x1C),
        /** Capture/compare enable register. */
        CCER(0x20),
        /** Counter. */
        CNT(0x24),
        /** Prescaler. */
        PSC(0x28),
        /** Auto-reload register. */
        ARR(0x2C),
        /** Capture/compare register 1. */
        CCR1(0x34),
        /** Capture/compare register 2. */
        CCR2(0x38),
        /** Capture/compare register 3. */
        CCR3(0x3C),
        /** Capture/compare register 4. */
        CCR4(0x40),
        /** DMA control register. */
        DCR(0x48),
        /** DMA address for full transfer. */
        DMAR(0x4C);

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
