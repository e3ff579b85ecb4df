package dev.stm32emu.periph.adc;

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

/**
 * An STM32F1 ADC, ADC1 at 0x40012400 and ADC2 at 0x40012800 (RM0008 §11; registers
 * §11.12; facts-stm32f1.md §10, §11 trap 6): enough for start-up code and polled or
 * interrupt-driven regular conversions.
 *
 * <ul>
 * <li>CR2.ADON: writing 1 while it is 0 powers the ADC up; writing 1 while it is 1 with no
 *     other CR2 bit changing starts a regular conversion (§11.12.3).</li>
 * <li>CR2.RSTCAL and CR2.CAL are set by software and clear themselves in virtual time:
 *     CAL after tCAL = 83 ADC clock cycles (DS5319 "ADC characteristics"), RSTCAL after
 *     {@value #RESET_CALIBRATION_CYCLES} ADC cycles (the manual gives no figure). libmaple
 *     polls both through bit-band reads with no timeout.</li>
 * <li>CR2.SWSTART (with EXTTRIG=1, EXTSEL=111) starts a regular conversion and clears at
 *     once. A conversion takes the channel's sampling time (SMPRx) + 12.5 ADC cycles
 *     (§11.6); then DR holds the board's value for the channel ({@link #setChannelValue},
 *     12 bits, ALIGN applied) and SR.EOC is set (interrupt with CR1.EOCIE). Reading DR
 *     clears EOC. With SCAN=1 the whole sequence (SQR1.L+1 channels) is converted and DR
 *     holds the last channel. With CONT=1 conversions repeat and DR follows the input;
 *     to avoid an event per conversion, the next EOC is scheduled only once EOC has been
 *     cleared. Clearing CONT lets the conversion under way finish. A SWSTART written
 *     while the trigger is not selected stays set and starts once it is.</li>
 * <li>ADC1 channels 16 (temperature sensor, default 1.43 V) and 17 (VREFINT, 1.20 V) read
 *     as such with CR2.TSVREFE=1 and 0 otherwise, assuming VDDA = 3.3 V; on ADC2 they are
 *     tied to VSS (§11.10).</li>
 * </ul>
 * Injected conversions, external triggers other than SWSTART, the analog watchdog,
 * discontinuous and dual modes and DMA are stored and logged as unimplemented.
 */
public final class Stm32f1Adc extends RegisterDevice {
    /** RSTCAL duration in ADC clock cycles; the manual gives none (unverified). */
    public static final int RESET_CALIBRATION_CYCLES = 4;
    /** tCAL in ADC clock cycles (DS5319). */
    public static final int CALIBRATION_CYCLES = 83;
    /** Sampling time of each SMPx code, in half ADC cycles: 1.5, 7.5 ... 239.5 cycles. */
    private static final int[] SAMPLE_HALF_CYCLES = {3, 15, 27, 57, 83, 111, 143, 479};
    /** Successive-approximation time after sampling: 12.5 cycles. */
    private static final int CONVERSION_HALF_CYCLES = 25;
    private static final int ADON = 1;
    private static final int CHANNELS = 18;

    private final Scheduler scheduler;
    private final ClockTree clocks;
    private final IrqLine irq;
    private final boolean internalChannels;
    private final int[] channelValues = new int[CHANNELS];
    private final Flag awd;
    private final Flag eoc;
    private final Flag jeoc;
    private final Flag strt;
    private final Flag awdie;
    private final Flag eocie;
    private final Flag jeocie;
    private final Flag scan;
    private final Register cr2;
    private final Flag cont;
    private final Flag cal;
    private final Flag rstcal;
    private final Flag align;
    private final Field extsel;
    private final Flag exttrig;
    private final Flag jswstart;
    private final Flag swstart;
    private final Flag tsvrefe;
    private final Register smpr1;
    private final Register smpr2;
    private final Register[] sqr = new Register[3];
    private final Field data;

    private int cr2Before;
    private Scheduler.Event calibration;
    private Scheduler.Event resetCalibration;
    private Scheduler.Event conversion;
    private boolean continuous;
    private boolean continuousLive;
    private long continuousStartPs;
    private long continuousPeriodPs;

    /**
     * @param irq              the ADC1_2 line (IRQ 18 on STM32F103, shared by ADC1 and ADC2:
     *                         give each an input of one {@link SharedIrqLine})
     * @param internalChannels true for ADC1, whose channels 16/17 are the temperature sensor
     *                         and VREFINT; false for ADC2 (tied to VSS)
     */
    public Stm32f1Adc(DeviceLog log, Scheduler scheduler, ClockTree clocks, IrqLine irq, boolean internalChannels) {
        super(log, BusWidth.REPLICATED);
        this.scheduler = scheduler;
        this.clocks = clocks;
        this.irq = irq;
        this.internalChannels = internalChannels;
        resetChannelValues();

        Register sr = regs.define(Reg.SR, 0).reserved(5, 27);
        awd = sr.flag("AWD", 0, Access.RC_W0);
        eoc = sr.flag("EOC", 1, Access.RC_W0);
        jeoc = sr.flag("JEOC", 2, Access.RC_W0);
        sr.flag("JSTRT", 3, Access.RC_W0);
        strt = sr.flag("STRT", 4, Access.RC_W0);
        eoc.onChange(set -> {
            if (!set) {
                eocCleared();
            }
        });

        Register cr1 = regs.define(Reg.CR1, 0).reserved(20, 2).reserved(24, 8);
        cr1.unimplemented("AWDCH", 0, 5);
        eocie = cr1.flag("EOCIE", 5, Access.RW);
        awdie = cr1.flag("AWDIE", 6, Access.RW);
        jeocie = cr1.flag("JEOCIE", 7, Access.RW);
        scan = cr1.flag("SCAN", 8, Access.RW);
        cr1.unimplemented("AWDSGL", 9, 1);
        cr1.unimplemented("JAUTO", 10, 1);
        cr1.unimplemented("DISCEN", 11, 1);
        cr1.unimplemented("JDISCEN", 12, 1);
        cr1.unimplemented("DISCNUM", 13, 3);
        cr1.unimplemented("DUALMOD", 16, 4);
        cr1.unimplemented("JAWDEN", 22, 1);
        cr1.unimplemented("AWDEN", 23, 1);

        cr2 = regs.define(Reg.CR2, 0).reserved(4, 4).reserved(9, 2).reserved(16, 1).reserved(24, 8);
        cr2.flag("ADON", 0, Access.RW);
        cont = cr2.flag("CONT", 1, Access.RW);
        cal = cr2.flag("CAL", 2, Access.RS);
        rstcal = cr2.flag("RSTCAL", 3, Access.RS);
        cr2.unimplemented("DMA", 8, 1);
        align = cr2.flag("ALIGN", 11, Access.RW);
        cr2.unimplemented("JEXTSEL", 12, 3);
        cr2.unimplemented("JEXTTRIG", 15, 1);
        extsel = cr2.field("EXTSEL", 17, 3, Access.RW);
        exttrig = cr2.flag("EXTTRIG", 20, Access.RW);
        jswstart = cr2.flag("JSWSTART", 21, Access.RS);
        swstart = cr2.flag("SWSTART", 22, Access.RS);
        tsvrefe = cr2.flag("TSVREFE", 23, Access.RW);
        cr2.onWrite((v, lanes) -> controlWritten(v));

        smpr1 = regs.define(Reg.SMPR1, 0).reserved(24, 8);
        for (int ch = 10; ch < CHANNELS; ch++) {
            smpr1.field("SMP" + ch, 3 * (ch - 10), 3, Access.RW);
        }
        smpr2 = regs.define(Reg.SMPR2, 0).reserved(30, 2);
        for (int ch = 0; ch < 10; ch++) {
            smpr2.field("SMP" + ch, 3 * ch, 3, Access.RW);
        }
        Reg[] jofr = {Reg.JOFR1, Reg.JOFR2, Reg.JOFR3, Reg.JOFR4};
        for (int i = 0; i < 4; i++) {
            regs.define(jofr[i], 0).reserved(12, 20).field("JOFFSET" + (i + 1), 0, 12, Access.RW);
        }
        regs.define(Reg.HTR, 0x0FFF).reserved(12, 20).field("HT", 0, 12, Access.RW);
        regs.define(Reg.LTR, 0).reserved(12, 20).field("LT", 0, 12, Access.RW);
        sqr[0] = regs.define(Reg.SQR1, 0).reserved(24, 8);
        sqr[0].field("L", 20, 4, Access.RW);
        sqr[1] = regs.define(Reg.SQR2, 0).reserved(30, 2);
        sqr[2] = regs.define(Reg.SQR3, 0).reserved(30, 2);
        for (int i = 0; i < 16; i++) {
            int sq = i + 1;
            Register r = sqr[2 - i / 6];
            r.field("SQ" + sq, 5 * (i % 6), 5, Access.RW);
        }
        Register jsqr = regs.define(Reg.JSQR, 0).reserved(22, 10);
        for (int i = 0; i < 4; i++) {
            jsqr.field("JSQ" + (i + 1), 5 * i, 5, Access.RW);
        }
        jsqr.field("JL", 20, 2, Access.RW);
        Reg[] jdr = {Reg.JDR1, Reg.JDR2, Reg.JDR3, Reg.JDR4};
        for (int i = 0; i < 4; i++) {
            regs.define(jdr[i], 0).reserved(16, 16).field("JDATA", 0, 16, Access.R);
        }
        Register dr = regs.define(Reg.DR, 0);
        data = dr.field("DATA", 0, 16, Access.R).readsAs(this::dataValue);
        dr.field("ADC2DATA", 16, 16, Access.R);
        dr.beforeRead(() -> {
            eoc.set(false); // reading DR clears EOC (§11.12.1)
            eocCleared();
            updateInterrupts();
        });

        for (Register r : new Register[]{sr, cr1, cr2}) {
            r.afterWrite(this::updateInterrupts);
        }
    }

    /**
     * Sets what channel {@code channel} (0..17) converts to: a 12-bit value, 4095 = VDDA.
     * Machine thread.
     */
    public void setChannelValue(int channel, int value) {
        channelValues[channel] = value & 0xFFF;
    }

    /** Captures CR2 before a write, for the "ADON written again with nothing else changed" rule. */
    @Override
    public void write(int offset, int size, int value) {
        cr2Before = cr2.value();
        super.write(offset, size, value);
    }

    @Override
    protected void onReset(ResetKind kind) {
        calibration = cancel(calibration);
        resetCalibration = cancel(resetCalibration);
        stopConversions();
    }

    @Override
    protected void updateInterrupts() {
        irq.set((eoc.isSet() && eocie.isSet()) || (awd.isSet() && awdie.isSet()) || (jeoc.isSet() && jeocie.isSet()));
    }

    private void controlWritten(int written) {
        int now = cr2.value();
        boolean on = (now & ADON) != 0;
        boolean wasOn = (cr2Before & ADON) != 0;
        if (!on) {
            stopConversions();
        }
        if (rstcal.isSet() && resetCalibration == null) {
            resetCalibration = afterAdcCycles(RESET_CALIBRATION_CYCLES, () -> {
                resetCalibration = null;
                rstcal.set(false);
            });
        }
        if (cal.isSet() && calibration == null) {
            if (!wasOn) {
                log.guestError("calOff", "calibration started before the ADC was powered "
                        + "(RM0008 §11.4: ADON=1 for two ADC cycles first)");
            }
            calibration = afterAdcCycles(CALIBRATION_CYCLES, () -> {
                calibration = null;
                cal.set(false);
            });
        }
        if (jswstart.isSet()) {
            log.unimplemented("injected", "injected conversions are not modelled; JSWSTART clears, JEOC never sets");
            jswstart.set(false);
        }
        if (exttrig.isSet() && extsel.get() != 0b111) {
            log.unimplemented("extsel", "external trigger EXTSEL=" + extsel.get() + " is not modelled");
        }
        if (!cont.isSet()) {
            continuous = false;
            continuousLive = false;
        }
        if (swstart.isSet()) {
            if (on && exttrig.isSet() && extsel.get() == 0b111) {
                swstart.set(false); // cleared by hardware as soon as the conversion starts
                startRegular();
            } else {
                log.guestError("swstart", "SWSTART needs ADON=1, EXTTRIG=1 and EXTSEL=111; no conversion");
            }
        } else if (on && wasOn && (written & ADON) != 0 && now == cr2Before) {
            startRegular();
        }
    }

    private void startRegular() {
        if (conversion != null) {
            return; // a trigger during a conversion is ignored
        }
        strt.set(true);
        long period = sequencePs();
        if (period < 0) {
            return;
        }
        continuous = cont.isSet();
        continuousStartPs = scheduler.clock().nowPs();
        continuousPeriodPs = period;
        conversion = scheduler.after(period, this::conversionDone);
    }

    private void conversionDone() {
        conversion = null;
        data.set(sampleValue());
        continuousLive = continuous;
        eoc.set(true);
        updateInterrupts();
    }

    /** In continuous mode, the next EOC comes at the next conversion boundary after now. */
    private void eocCleared() {
        if (!continuous || conversion != null || continuousPeriodPs <= 0) {
            return;
        }
        long now = scheduler.clock().nowPs();
        long done = (now - continuousStartPs) / continuousPeriodPs + 1;
        conversion = scheduler.at(continuousStartPs + done * continuousPeriodPs, this::conversionDone);
    }

    private void stopConversions() {
        conversion = cancel(conversion);
        continuous = false;
        continuousLive = false;
    }

    /** The sequence's conversion time, or -1 with a log line when the ADC clock is stopped. */
    private long sequencePs() {
        long hz = clocks.adcClockHz();
        if (hz <= 0) {
            log.guestError("adcclk", "ADCCLK is stopped: the conversion never ends");
            return -1;
        }
        long halfCycles = 0;
        for (int ch : sequence()) {
            halfCycles += SAMPLE_HALF_CYCLES[sampleCode(ch)] + CONVERSION_HALF_CYCLES;
        }
        return Ticks.psFor(halfCycles, 2 * hz);
    }

    private int[] sequence() {
        int length = scan.isSet() ? ((sqr[0].value() >>> 20) & 0xF) + 1 : 1;
        int[] channels = new int[length];
        for (int i = 0; i < length; i++) {
            channels[i] = (sqr[2 - i / 6].value() >>> (5 * (i % 6))) & 0x1F;
        }
        return channels;
    }

    private int sampleCode(int channel) {
        if (channel >= CHANNELS) {
            return 0;
        }
        return channel >= 10 ? (smpr1.value() >>> (3 * (channel - 10))) & 7 : (smpr2.value() >>> (3 * channel)) & 7;
    }

    /**
     * What a read of DR.DATA returns: the last result, or, once continuous conversions
     * are under way, the channel's current value (DR is rewritten at every conversion).
     */
    private int dataValue() {
        return continuousLive ? sampleValue() : data.get();
    }

    /** A conversion of the sequence's last channel now, aligned as CR2.ALIGN says. */
    private int sampleValue() {
        int[] seq = sequence();
        int ch = seq[seq.length - 1];
        int raw;
        if (ch >= CHANNELS) {
            log.guestError("ch" + ch, "channel " + ch + " does not exist; converts to 0");
            raw = 0;
        } else if (ch >= 16) {
            raw = internalChannels && tsvrefe.isSet() ? channelValues[ch] : 0;
        } else {
            raw = channelValues[ch];
        }
        return align.isSet() ? raw << 4 : raw;
    }

    private Scheduler.Event afterAdcCycles(int cycles, Runnable action) {
        long hz = clocks.adcClockHz();
        if (hz <= 0) {
            log.guestError("adcclk", "ADCCLK is stopped: calibration never ends");
            return null;
        }
        return scheduler.after(Ticks.psFor(cycles, hz), action);
    }

    private void resetChannelValues() {
        channelValues[16] = 1775; // V25 = 1.43 V typ. (DS5319) of VDDA 3.3 V
        channelValues[17] = 1489; // VREFINT = 1.20 V typ.
    }

    /** Cancels {@code e} if there is one; returns null for the caller's field. */
    private static Scheduler.Event cancel(Scheduler.Event e) {
        if (e != null) {
            e.cancel();
        }
        return null;
    }

    /** ADC registers (RM0008 §11.12). */
    enum Reg implements RegisterOffset {
        SR(0x00), CR1(0x04), CR2(0x08), SMPR1(0x0C), SMPR2(0x10), JOFR1(0x14), JOFR2(0x18), JOFR3(0x1C),
        JOFR4(0x20), HTR(0x24), LTR(0x28), SQR1(0x2C), SQR2(0x30), SQR3(0x34), JSQR(0x38), JDR1(0x3C),
        JDR2(0x40), JDR3(0x44), JDR4(0x48), DR(0x4C);

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
