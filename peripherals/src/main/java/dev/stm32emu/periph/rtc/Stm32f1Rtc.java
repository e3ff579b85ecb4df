package dev.stm32emu.periph.rtc;

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
import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.periph.rcc.ClockTree;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * STM32F1 real-time clock (RM0008 §18; facts-stm32f1.md §7.5). On APB1 (narrow stores
 * replicated); every register is 16 bits in a 32-bit slot.
 *
 * <p>Counting: RTCCLK (RCC_BDCR.RTCSEL/RTCEN, {@link ClockTree#rtcClockHz}) decrements
 * DIV; when DIV has reached 0 the next tick reloads it with PRL and the TR_CLK tick
 * increments CNT, so CNT counts at RTCCLK/(PRL+1) (§18.3.1). The state is computed from
 * virtual time on access; a scheduler event is kept only for the next tick that raises
 * an interrupt or the alarm. SECF is set on every TR_CLK, ALRF when CNT becomes equal to
 * ALR, OWF when CNT wraps to 0. The RTC global interrupt (IRQ 3) is the OR of the flags
 * and their CRH enables; the alarm output to EXTI line 17 (RTC_Alarm, IRQ 41) follows ALRF.
 *
 * <p>Busy-wait bits (facts-stm32f1.md §7.5, §10): writes to PRL, CNT and ALR are taken
 * only with CNF=1 and executed when CNF is cleared; RTOFF then reads 0 for 3 RTCCLK
 * periods (§18.3.4) and the new values apply at the end. RSF, once cleared, is set again
 * by the next RTCCLK tick (§18.3.3). With the RTC clock stopped neither happens, so
 * firmware waits forever, as it would on the chip.
 *
 * <p>Domains (§18.3.2): PRL, DIV, CNT and ALR are in the backup domain and survive system
 * resets; CRL and CRH are reset by every reset. ALR and PRL are write-only: reads return
 * the APB-side copy of the last value written, which a system reset puts back to the reset
 * value although the backup-domain alarm keeps working (observed on F103 silicon, ST
 * community thread "F103 RTC_ALR not preserved after reset"). All writes need
 * PWR_CR.DBP=1 (§5.1.2); refused ones are logged as guest errors.
 */
public final class Stm32f1Rtc extends RegisterDevice {
    private static final long WRAP = 1L << 32;
    private static final int WRITE_TICKS = 3;
    private static final long NEVER = -1;

    private final Scheduler scheduler;
    private final ClockTree clocks;
    private final BooleanSupplier backupWritable;
    private final IrqLine globalIrq;
    private final IrqLine alarmLine;
    private final Flag secie;
    private final Flag alrie;
    private final Flag owie;
    private final Flag secf;
    private final Flag alrf;
    private final Flag owf;
    private final Flag rsf;
    private final Flag cnf;
    private final Flag rtoff;
    /** Writes to PRL/CNT/ALR made in configuration mode, by offset, applied in order. */
    private final Map<Integer, Integer> pending = new LinkedHashMap<>();
    // the backup-domain RTC core
    private long counter;
    private int reload;
    private int divider;
    private long alarm;
    // virtual-time base: RTCCLK ticks are counted from epochPs at hz
    private long hz;
    private long epochPs;
    private long anchorTick;
    private long rsfClearedTick;
    private long writeDoneTick = NEVER;
    private Scheduler.Event next;

    /**
     * @param clocks         the RCC's clock tree: RTCCLK and its changes
     * @param backupWritable PWR_CR.DBP
     * @param globalIrq      the RTC global interrupt (IRQ 3)
     * @param alarmLine      the RTC alarm input of EXTI line 17
     */
    public Stm32f1Rtc(DeviceLog log, Scheduler scheduler, ClockTree clocks, BooleanSupplier backupWritable, IrqLine globalIrq,
                      IrqLine alarmLine) {
        super(log, BusWidth.REPLICATED);
        this.scheduler = scheduler;
        this.clocks = clocks;
        this.backupWritable = backupWritable;
        this.globalIrq = globalIrq;
        this.alarmLine = alarmLine;

        // 16-bit registers: a narrow store replicated over bits 31:16 is legal, so they are reserved, not logged
        Register crh = regs.define(Reg.CRH, 0).reserved(16, 16);
        secie = crh.flag("SECIE", 0, Access.RW);
        alrie = crh.flag("ALRIE", 1, Access.RW);
        owie = crh.flag("OWIE", 2, Access.RW);

        Register crl = regs.define(Reg.CRL, 0x0020).reserved(16, 16);
        secf = crl.flag("SECF", 0, Access.RC_W0);
        alrf = crl.flag("ALRF", 1, Access.RC_W0);
        owf = crl.flag("OWF", 2, Access.RC_W0);
        rsf = crl.flag("RSF", 3, Access.RC_W0);
        cnf = crl.flag("CNF", 4, Access.RW);
        rtoff = crl.flag("RTOFF", 5, Access.R);
        rsf.onWrite(on -> {
            if (!on && rsfClearedTick == NEVER) {
                rsfClearedTick = tickNow();
            }
        });
        cnf.onChange(this::configurationMode);

        configurable(Reg.PRLH, 4, 0);
        configurable(Reg.PRLL, 16, 0x8000);
        regs.define(Reg.DIVH, 0).reserved(16, 16).field("DIV", 0, 4, Access.R).readsAs(() -> divider >>> 16);
        regs.define(Reg.DIVL, 0x8000).reserved(16, 16).field("DIV", 0, 16, Access.R).readsAs(() -> divider & 0xFFFF);
        configurable(Reg.CNTH, 16, 0).readsAs(() -> (int) (counter >>> 16));
        configurable(Reg.CNTL, 16, 0).readsAs(() -> (int) (counter & 0xFFFF));
        configurable(Reg.ALRH, 16, 0xFFFF);
        configurable(Reg.ALRL, 16, 0xFFFF);

        clocks.addListener(this::clockChanged);
        hz = clocks.rtcClockHz();
        epochPs = scheduler.clock().nowPs();
        rsfClearedTick = tickNow(); // CRL resets with RSF=0; the first RTCCLK tick sets it
        resetCore();
    }

    @Override
    public int read(int offset, int size) {
        sync();
        return super.read(offset, size);
    }

    /** Writes need PWR_CR.DBP=1; the state is brought up to date first. */
    @Override
    public void write(int offset, int size, int value) {
        if (!backupWritable.getAsBoolean()) {
            log.guestError("dbp", String.format("write of 0x%x at offset 0x%02x ignored: backup domain write protected "
                    + "(set PWR_CR.DBP first, RM0008 §5.1.2)", value, offset));
            return;
        }
        sync();
        super.write(offset, size, value);
        updateInterrupts();
        reschedule();
    }

    /** CRL/CRH back to reset values; the counter, prescaler and alarm only on power-on. */
    @Override
    public void reset(ResetKind kind) {
        sync();
        regs.reset();
        pending.clear();
        writeDoneTick = NEVER;
        rsfClearedTick = tickNow(); // RSF reads 0 after reset until the next RTCCLK tick
        if (!kind.isSystemReset()) {
            resetCore();
        }
        updateInterrupts();
        reschedule();
    }

    /** RCC_BDCR.BDRST: the whole RTC back to its reset state. */
    public void backupDomainReset() {
        sync();
        regs.reset();
        pending.clear();
        writeDoneTick = NEVER;
        rsfClearedTick = tickNow();
        resetCore();
        updateInterrupts();
        reschedule();
    }

    /** CNT as the RTC core holds it now. */
    public long counter() {
        sync();
        return counter;
    }

    @Override
    protected void updateInterrupts() {
        globalIrq.set((secf.isSet() && secie.isSet()) || (alrf.isSet() && alrie.isSet()) || (owf.isSet() && owie.isSet()));
        alarmLine.set(alrf.isSet());
    }

    // ---- internals ------------------------------------------------------------------

    private void resetCore() {
        counter = 0;
        reload = 0x8000;
        divider = 0x8000;
        alarm = 0xFFFF_FFFFL;
    }

    /** Declares PRL/CNT/ALR halves: written only in configuration mode, applied on exit. */
    private Field configurable(Reg reg, int width, int reset) {
        Field f = regs.define(reg, reset).reserved(16, 16).field(reg.name().substring(0, 3), 0, width, Access.RW);
        f.onWrite((o, n) -> {
            if (!cnf.isSet()) {
                f.set(o);
                log.guestError("cnf", reg.name() + " written outside configuration mode (CNF=0): ignored (RM0008 §18.3.4)");
            } else {
                pending.put(reg.offset, n);
            }
        });
        return f;
    }

    private void configurationMode(boolean entering) {
        if (entering) {
            if (!rtoff.isSet()) {
                log.guestError("rtoff", "CNF set while the previous RTC write is still running (RTOFF=0)");
            }
            return;
        }
        // leaving: the write executes over the next RTCCLK periods, RTOFF low meanwhile
        rtoff.set(false);
        writeDoneTick = tickNow() + WRITE_TICKS;
    }

    private long tickNow() {
        return hz == 0 ? anchorTick : Ticks.ticksIn(scheduler.clock().nowPs() - epochPs, hz);
    }

    /** Runs the RTC up to now: the tick at which a pending write completes first. */
    private void sync() {
        long now = tickNow();
        if (writeDoneTick != NEVER && now >= writeDoneTick) {
            advance(writeDoneTick);
            applyPendingWrites();
            writeDoneTick = NEVER;
            rtoff.set(true);
        }
        advance(now);
        if (rsfClearedTick != NEVER && now > rsfClearedTick) {
            rsf.set(true);
            rsfClearedTick = NEVER;
        }
    }

    private void advance(long toTick) {
        long t = toTick - anchorTick;
        if (t <= 0) {
            return;
        }
        anchorTick = toTick;
        long period = reload + 1L;
        long seconds = t > divider ? 1 + (t - divider - 1) / period : 0;
        divider = t <= divider ? (int) (divider - t) : (int) (period - 1 - (t - divider - 1) % period);
        if (seconds == 0) {
            return;
        }
        secf.set(true);
        if (seconds >= untilAlarm()) {
            alrf.set(true);
        }
        if (seconds >= WRAP - counter) {
            owf.set(true);
        }
        counter = (counter + seconds) % WRAP;
    }

    /** TR_CLK ticks until CNT next equals ALR (a full wrap if it equals it now). */
    private long untilAlarm() {
        long d = Math.floorMod(alarm - counter, WRAP);
        return d == 0 ? WRAP : d;
    }

    private void applyPendingWrites() {
        for (Map.Entry<Integer, Integer> w : pending.entrySet()) {
            long v = w.getValue() & 0xFFFFL;
            switch (w.getKey()) {
                case 0x08 -> reload = (int) ((reload & 0xFFFF) | (v & 0xF) << 16);
                case 0x0C -> reload = (int) ((reload & 0xF_0000) | v);
                case 0x18 -> counter = (counter & 0xFFFF) | v << 16;
                case 0x1C -> counter = (counter & 0xFFFF_0000L) | v;
                case 0x20 -> alarm = (alarm & 0xFFFF) | v << 16;
                case 0x24 -> alarm = (alarm & 0xFFFF_0000L) | v;
                default -> throw new IllegalStateException("not a configuration register: " + w.getKey());
            }
        }
        pending.clear();
    }

    private void clockChanged() {
        long newHz = clocks.rtcClockHz();
        if (newHz == hz) {
            return;
        }
        sync();
        hz = newHz;
        epochPs = scheduler.clock().nowPs();
        anchorTick = 0;
        // waits in progress restart in the new clock's ticks
        if (writeDoneTick != NEVER) {
            writeDoneTick = WRITE_TICKS;
        }
        if (rsfClearedTick != NEVER) {
            rsfClearedTick = 0;
        }
        updateInterrupts();
        reschedule();
    }

    /** Keeps one event, at the next tick that changes an interrupt or the alarm output. */
    private void reschedule() {
        if (next != null) {
            next.cancel();
            next = null;
        }
        if (hz == 0) {
            return;
        }
        long seconds = Long.MAX_VALUE;
        if (secie.isSet() && !secf.isSet()) {
            seconds = 1;
        }
        if (!alrf.isSet()) {
            seconds = Math.min(seconds, untilAlarm());
        }
        if (owie.isSet() && !owf.isSet()) {
            seconds = Math.min(seconds, WRAP - counter);
        }
        long tick = seconds == Long.MAX_VALUE ? Long.MAX_VALUE : anchorTick + divider + 1 + (seconds - 1) * (reload + 1L);
        if (writeDoneTick != NEVER) {
            tick = Math.min(tick, writeDoneTick);
        }
        long atPs;
        try {
            atPs = Math.addExact(epochPs, Ticks.psFor(tick, hz));
        } catch (ArithmeticException beyondVirtualTime) {
            return; // later than virtual time can reach
        }
        next = scheduler.at(atPs, () -> {
            next = null;
            sync();
            updateInterrupts();
            reschedule();
        });
    }

    private enum Reg implements RegisterOffset {
        CRH(0x00), CRL(0x04), PRLH(0x08), PRLL(0x0C), DIVH(0x10), DIVL(0x14), CNTH(0x18), CNTL(0x1C), ALRH(0x20), ALRL(0x24);

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
