package dev.stm32emu.periph.rcc;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;
import dev.stm32emu.core.time.VirtualClock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * STM32F1 reset and clock control, low/medium/high density (RM0008 §7.3 register
 * descriptions, §7.2 clock tree; facts-stm32f1.md §3). On AHB, so byte writes are native
 * (HAL writes CIR byte-wise at +9 and +0xA).
 *
 * <p>Oscillators start at once: a ready flag follows its ON bit in both directions (HAL
 * waits for PLLRDY to clear before reconfiguring the PLL). The board's HSE frequency
 * describes whatever drives OSC_IN; crystal and external clock are not told apart, so
 * HSEBYP does not change readiness. With {@code hseHz == 0} nothing drives OSC_IN and
 * HSERDY never sets, with or without HSEBYP (same for the LSE with {@code lseHz == 0}).
 * A SYSCLK switch (CFGR.SW) takes effect when the selected source is ready, at once or
 * as soon as it becomes ready; SWS shows the source really in use. The RM's write
 * protections are enforced and the ignored writes logged as guest errors: HSION, HSEON
 * and PLLON cannot be cleared while their clock drives SYSCLK (§7.3.1), PLLSRC/PLLXTPRE/
 * PLLMUL change only with PLLON=0 (§7.3.2), HSEBYP only with HSEON=0, LSEON/LSEBYP/
 * RTCSEL/RTCEN only with PWR_CR.DBP=1 and RTCSEL only once per backup-domain reset (§7.3.9).
 *
 * <p>The HSE never fails, so the clock security system (CSSON) never fires. SYSCLK and
 * HCLK changes go to {@link VirtualClock#setCoreHz}, which re-times SysTick. A system
 * reset keeps BDCR (backup domain) and the CSR reset flags (§7.3.10); the flags record
 * the reset kind as in facts-stm32f1.md §3.2: every internal reset also pulls NRST, so it
 * sets PINRSTF too.
 */
public final class Stm32f1Rcc extends RegisterDevice implements ClockTree {
    /** The HSI RC oscillator (RM0008 §7.2.1). */
    public static final long HSI_HZ = 8_000_000L;
    /** The LSI RC oscillator, typical value (DS5319 "LSI oscillator characteristics": 30-60 kHz, typ. 40). */
    public static final long LSI_HZ = 40_000L;

    /** The bus a peripheral's clock-enable and reset bits live on. */
    public enum Bus { AHB, APB1, APB2 }

    private static final int SRC_HSI = 0;
    private static final int SRC_HSE = 1;
    private static final int SRC_PLL = 2;
    private static final int RESET_FLAGS = 0xFC00_0000;
    private static final int PINRSTF = 1 << 26;
    private static final int PORRSTF = 1 << 27;
    private static final String[] OSCILLATORS = {"LSI", "LSE", "HSI", "HSE", "PLL"};

    private final VirtualClock clock;
    private final long hseHz;
    private final long lseHz;
    private final IrqLine irq;
    private final List<Runnable> listeners = new ArrayList<>();
    private final PeripheralGates gates;
    private final BackupDomainControl backup;
    private final Register cr;
    private final Register csr;
    private final Flag hsiOn;
    private final Flag hsiRdy;
    private final Flag hseOn;
    private final Flag hseRdy;
    private final Flag pllOn;
    private final Flag pllRdy;
    private final ClockConfiguration cfg;
    private final Flag[] readyFlags = new Flag[5];
    private final Flag[] readyEnables = new Flag[5];
    private final Flag lsiOn;
    private final Flag lsiRdy;
    /** What the oscillators' ready outputs were at the last settle, to see them rise. */
    private final boolean[] ready = new boolean[5];
    /** CR as left by the last write: the "before" state the HSEBYP protection needs. */
    private int crBefore;
    private boolean lsiForced;
    private long[] published = new long[0];

    /**
     * @param clock          the machine's virtual clock; told HCLK whenever it changes
     * @param hseHz          what drives OSC_IN (crystal or external clock), 0 for nothing
     * @param lseHz          what drives OSC32_IN, 0 for nothing (32768 on most boards)
     * @param backupWritable PWR_CR.DBP: the backup-domain write protection is off
     * @param irq            the RCC global interrupt (IRQ 5)
     */
    public Stm32f1Rcc(DeviceLog log, VirtualClock clock, long hseHz, long lseHz, BooleanSupplier backupWritable, IrqLine irq) {
        super(log, BusWidth.BYTE_LANES);
        this.clock = clock;
        this.hseHz = hseHz;
        this.lseHz = lseHz;
        this.irq = irq;
        WriteProtections protections = new WriteProtections(log);

        cr = regs.define(Reg.CR, 0x0000_0083);
        hsiOn = cr.flag("HSION", 0, Access.RW);
        hsiRdy = cr.flag("HSIRDY", 1, Access.R);
        cr.unimplemented("HSITRIM", 3, 5); // HSI stays at 8 MHz whatever the trim
        cr.field("HSICAL", 8, 8, Access.R);
        hseOn = cr.flag("HSEON", 16, Access.RW);
        hseRdy = cr.flag("HSERDY", 17, Access.R);
        Flag hseByp = cr.flag("HSEBYP", 18, Access.RW);
        cr.flag("CSSON", 19, Access.RW);
        pllOn = cr.flag("PLLON", 24, Access.RW);
        pllRdy = cr.flag("PLLRDY", 25, Access.R);
        protections.refuseClear(hsiOn, this::hsiInUse, "HSION: the HSI drives or is selected for SYSCLK");
        protections.refuseClear(hseOn, this::hseInUse, "HSEON: the HSE drives SYSCLK");
        protections.refuseClear(pllOn, this::pllInUse, "PLLON: the PLL drives or is selected for SYSCLK");
        protections.guard(hseByp, () -> (crBefore & (1 << 16)) == 0, "HSEBYP is writable only with HSEON=0");
        cr.afterWrite(() -> {
            crBefore = cr.value();
            settle();
        });

        Register cfgr = regs.define(Reg.CFGR, 0);
        cfg = new ClockConfiguration(cfgr);
        for (Field f : new Field[]{cfg.pllSrc, cfg.pllXtpre, cfg.pllMul}) {
            protections.guard(f, () -> !pllOn.isSet(), f.name() + " is writable only with PLLON=0");
        }
        cfg.sw.onChange((o, n) -> {
            if (n == 3) {
                log.guestError("sw3", "CFGR.SW=11 is not allowed (RM0008 §7.3.2); SYSCLK does not switch");
            }
        });
        cfgr.afterWrite(this::settle);

        Register cir = regs.define(Reg.CIR, 0);
        for (int i = 0; i < 5; i++) {
            Flag flag = cir.flag(OSCILLATORS[i] + "RDYF", i, Access.R);
            readyFlags[i] = flag;
            readyEnables[i] = cir.flag(OSCILLATORS[i] + "RDYIE", 8 + i, Access.RW);
            cir.flag(OSCILLATORS[i] + "RDYC", 16 + i, Access.W).onWrite(v -> {
                if (v) {
                    flag.set(false);
                }
            });
        }
        cir.flag("CSSF", 7, Access.R); // never set: the HSE does not fail
        cir.flag("CSSC", 23, Access.W);
        cir.afterWrite(this::updateInterrupts);

        gates = new PeripheralGates(regs, 0x0C, 0x10, 0x14, 0x18, 0x1C);

        backup = new BackupDomainControl(regs.define(Reg.BDCR, 0), backupWritable, protections, log, this::settle);

        csr = regs.define(Reg.CSR, PORRSTF | PINRSTF);
        lsiOn = csr.flag("LSION", 0, Access.RW);
        lsiRdy = csr.flag("LSIRDY", 1, Access.R);
        csr.flag("RMVF", 24, Access.W).onWrite(v -> {
            if (v) {
                csr.setValue(csr.value() & ~RESET_FLAGS);
            }
        });
        String[] flags = {"PINRSTF", "PORRSTF", "SFTRSTF", "IWDGRSTF", "WWDGRSTF", "LPWRRSTF"};
        for (int i = 0; i < flags.length; i++) {
            csr.flag(flags[i], 26 + i, Access.R);
        }
        csr.afterWrite(this::settle);

        crBefore = cr.value();
        settle();
    }

    // ---- board wiring ---------------------------------------------------------------

    /**
     * Runs {@code action} when firmware sets the peripheral's bit in APB1RSTR/APB2RSTR
     * (a 0-to-1 write: RM0008 §7.3.4/§7.3.5). The model resets on the edge and does not
     * hold the peripheral in reset while the bit stays 1. Note that BKPRST resets the
     * backup <em>interface</em>, not the backup registers: wire the BKP data to
     * {@link #addBackupDomainResetListener} only.
     */
    public void onPeripheralReset(Bus bus, int bit, Runnable action) {
        gates.onReset(bus, bit, action);
    }

    /** Called when BDRST resets the backup domain (BKP data registers, RTC). */
    public void addBackupDomainResetListener(Runnable action) {
        backup.addResetListener(action);
    }

    /** Whether firmware enabled a peripheral's clock (AHBENR/APB1ENR/APB2ENR bit). */
    public boolean isClockEnabled(Bus bus, int bit) {
        return gates.isEnabled(bus, bit);
    }

    /**
     * The independent watchdog was started: "the LSI oscillator is forced ON and cannot be
     * disabled" (RM0008 §19.3.1) until the next reset. LSIRDY reads 1 meanwhile.
     */
    public void forceLsiOn() {
        lsiForced = true;
        settle();
    }

    // ---- ClockTree ------------------------------------------------------------------

    @Override
    public long sysclkHz() {
        return sourceHz(cfg.sws.get());
    }

    @Override
    public long hclkHz() {
        return cfg.hclkHz(sysclkHz());
    }

    @Override
    public long pclk1Hz() {
        return cfg.pclkHz(1, hclkHz());
    }

    @Override
    public long pclk2Hz() {
        return cfg.pclkHz(2, hclkHz());
    }

    @Override
    public long timerClockHz(int apb) {
        return cfg.timerClockHz(apb, hclkHz());
    }

    @Override
    public long adcClockHz() {
        return cfg.adcClockHz(pclk2Hz());
    }

    @Override
    public long usbClockHz() {
        return cfg.usbClockHz(pllHz());
    }

    @Override
    public long lsiHz() {
        return lsiRdy.isSet() ? LSI_HZ : 0;
    }

    @Override
    public long lseHz() {
        return backup.lseReady() ? lseHz : 0;
    }

    @Override
    public long rtcClockHz() {
        return switch (backup.rtcSource()) {
            case 1 -> lseHz();
            case 2 -> lsiHz();
            case 3 -> hseRdy.isSet() ? hseHz / 128 : 0;
            default -> 0;
        };
    }

    @Override
    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    // ---- reset ----------------------------------------------------------------------

    /**
     * Everything back to reset values except, on a system reset, the backup domain (BDCR)
     * and the reset flags, which gain the flags of this reset (facts-stm32f1.md §3.2).
     */
    @Override
    public void reset(ResetKind kind) {
        int keptBdcr = backup.value();
        int keptFlags = csr.value() & RESET_FLAGS;
        regs.reset();
        lsiForced = false;
        backup.afterReset(kind.isSystemReset(), keptBdcr);
        if (kind.isSystemReset()) {
            csr.setValue((csr.value() & ~RESET_FLAGS) | keptFlags | PINRSTF | switch (kind) {
                case SOFTWARE -> 1 << 28;
                case INDEPENDENT_WATCHDOG -> 1 << 29;
                case WINDOW_WATCHDOG -> 1 << 30;
                case LOW_POWER -> 1 << 31;
                default -> 0;
            });
        }
        crBefore = cr.value();
        settle();
    }

    @Override
    protected void updateInterrupts() {
        boolean pending = false;
        for (int i = 0; i < readyFlags.length; i++) {
            pending |= readyFlags[i].isSet() && readyEnables[i].isSet();
        }
        irq.set(pending);
    }

    // ---- internals ------------------------------------------------------------------

    /**
     * Brings the hardware-owned state up to date after any change: oscillator ready flags,
     * the SYSCLK switch, ready interrupt flags, and the frequencies everyone else sees.
     */
    private void settle() {
        hsiRdy.set(hsiOn.isSet());
        hseRdy.set(hseOn.isSet() && hseHz > 0);
        pllRdy.set(pllOn.isSet() && pllInputHz() > 0);
        lsiRdy.set(lsiOn.isSet() || lsiForced);
        backup.setLseReady(backup.lseOn() && lseHz > 0);
        int want = cfg.sw.get();
        if (want != cfg.sws.get() && want != 3 && sourceHz(want) > 0) {
            cfg.sws.set(want);
        }
        boolean[] now = {lsiRdy.isSet(), backup.lseReady(), hsiRdy.isSet(), hseRdy.isSet(), pllRdy.isSet()};
        for (int i = 0; i < now.length; i++) {
            // "Set by hardware when the clock becomes stable and xxxRDYIE is set" (RM0008 §7.3.3)
            if (now[i] && !ready[i] && readyEnables[i].isSet()) {
                readyFlags[i].set(true);
            }
            ready[i] = now[i];
        }
        updateInterrupts();
        publishClocks();
    }

    private void publishClocks() {
        long[] now = {sysclkHz(), hclkHz(), pclk1Hz(), pclk2Hz(), adcClockHz(), usbClockHz(), lsiHz(), lseHz(), rtcClockHz()};
        if (Arrays.equals(now, published)) {
            return;
        }
        published = now;
        if (pllHz() > 72_000_000L) {
            log.guestError("pll72", "PLL output " + pllHz() + " Hz exceeds the 72 MHz maximum (RM0008 §7.2)");
        }
        if (pclk1Hz() > 36_000_000L) {
            log.guestError("pclk1", "PCLK1 " + pclk1Hz() + " Hz exceeds the 36 MHz maximum (RM0008 §7.2)");
        }
        clock.setCoreHz(hclkHz());
        for (Runnable l : List.copyOf(listeners)) {
            l.run();
        }
    }

    private long sourceHz(int source) {
        return switch (source) {
            case SRC_HSI -> hsiRdy.isSet() ? HSI_HZ : 0;
            case SRC_HSE -> hseRdy.isSet() ? hseHz : 0;
            case SRC_PLL -> pllHz();
            default -> 0;
        };
    }

    private long pllInputHz() {
        boolean inputReady = cfg.pllSrc.isSet() ? hseRdy.isSet() : hsiRdy.isSet();
        return inputReady ? cfg.pllInputHz(HSI_HZ, hseHz) : 0;
    }

    private long pllHz() {
        return pllRdy.isSet() ? pllInputHz() * cfg.pllMultiplier() : 0;
    }

    private boolean hsiInUse() {
        return uses(cfg.sws.get(), SRC_HSI) || uses(cfg.sw.get(), SRC_HSI);
    }

    private boolean hseInUse() {
        return uses(cfg.sws.get(), SRC_HSE);
    }

    private boolean pllInUse() {
        return cfg.sws.get() == SRC_PLL || cfg.sw.get() == SRC_PLL;
    }

    /** Whether SYSCLK source {@code source} is, or is fed by, oscillator {@code oscillator}. */
    private boolean uses(int source, int oscillator) {
        return source == oscillator || (source == SRC_PLL && (cfg.pllSrc.isSet() ? SRC_HSE : SRC_HSI) == oscillator);
    }

    private enum Reg implements RegisterOffset {
        CR(0x00), CFGR(0x04), CIR(0x08), BDCR(0x20), CSR(0x24); // APBxRSTR/xENR at 0x0C-0x1C: PeripheralGates

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
