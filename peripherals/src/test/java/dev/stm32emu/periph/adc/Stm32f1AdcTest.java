package dev.stm32emu.periph.adc;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.periph.iotest.FakeClockTree;
import dev.stm32emu.periph.iotest.IrqProbe;
import dev.stm32emu.periph.iotest.VirtualTime;
import org.junit.jupiter.api.Test;

import static dev.stm32emu.periph.iotest.VirtualTime.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1AdcTest {
    private static final int SR = 0x00;
    private static final int CR1 = 0x04;
    private static final int CR2 = 0x08;
    private static final int SMPR2 = 0x10;
    private static final int SQR1 = 0x2C;
    private static final int SQR3 = 0x34;
    private static final int DR = 0x4C;
    private static final int EOC = 1 << 1;
    private static final int STRT = 1 << 4;
    private static final int EOCIE = 1 << 5;
    private static final int SCAN = 1 << 8;
    private static final int ADON = 1;
    private static final int CONT = 1 << 1;
    private static final int CAL = 1 << 2;
    private static final int RSTCAL = 1 << 3;
    private static final int ALIGN = 1 << 11;
    private static final int EXTSEL_SWSTART = 0b111 << 17;
    private static final int EXTTRIG = 1 << 20;
    private static final int SWSTART = 1 << 22;
    private static final int TSVREFE = 1 << 23;
    /** ADCCLK 12 MHz: 4 cycles, 83 cycles, 1.5 + 12.5 cycles, 239.5 + 12.5 cycles. */
    private static final long RSTCAL_PS = 333_334;
    private static final long CAL_PS = 6_916_667;
    private static final long FAST_CONVERSION_PS = 1_166_667;
    private static final long SLOW_CONVERSION_PS = 21_000_000;

    private final VirtualTime time = new VirtualTime();
    private final FakeClockTree clocks = new FakeClockTree().adcClock(12_000_000);
    private final IrqProbe irq = new IrqProbe();
    private final Stm32f1Adc adc1 = adc(irq, true);

    private Stm32f1Adc adc(IrqLine line, boolean internalChannels) {
        return new Stm32f1Adc(DeviceLog.standalone("adc"), time.scheduler(), clocks, line, internalChannels);
    }

    /** libmaple's bit-band write of one CR2 bit: a read-modify-write of the word. */
    private void setCr2Bit(Stm32f1Adc adc, int bit) {
        adc.write(CR2, 4, adc.read(CR2, 4) | bit);
    }

    @Test
    void shouldClearRstcalByItselfAfterAFewAdcCycles() {
        setCr2Bit(adc1, ADON);
        setCr2Bit(adc1, RSTCAL);
        assertEquals(RSTCAL, adc1.read(CR2, 4) & RSTCAL);
        time.advance(RSTCAL_PS - 1);
        assertEquals(RSTCAL, adc1.read(CR2, 4) & RSTCAL);
        time.advance(1);
        assertEquals(ADON, adc1.read(CR2, 4), "RSTCAL cleared, ADON still reads 1");
    }

    @Test
    void shouldClearCalByItselfAfterTheCalibrationTime() {
        setCr2Bit(adc1, ADON);
        setCr2Bit(adc1, CAL);
        time.advance(CAL_PS - 1);
        assertEquals(CAL, adc1.read(CR2, 4) & CAL);
        time.advance(1);
        assertEquals(0, adc1.read(CR2, 4) & CAL);
        assertEquals(0, adc1.read(SR, 4) & EOC, "calibration is not a conversion");
    }

    @Test
    void shouldPowerUpOnTheFirstAdonWriteAndConvertOnTheSecond() {
        adc1.setChannelValue(0, 0x123);
        adc1.write(CR2, 4, ADON);
        time.advance(MS);
        assertEquals(0, adc1.read(SR, 4));
        adc1.write(CR2, 4, ADON);
        assertEquals(STRT, adc1.read(SR, 4));
        time.advance(FAST_CONVERSION_PS - 1);
        assertEquals(0, adc1.read(SR, 4) & EOC);
        time.advance(1);
        assertEquals(EOC, adc1.read(SR, 4) & EOC);
        assertEquals(0x123, adc1.read(DR, 4));
        assertEquals(0, adc1.read(SR, 4) & EOC, "reading DR clears EOC");
    }

    @Test
    void shouldNotStartAConversionWhenAnotherCr2BitChangesTogetherWithAdon() {
        adc1.write(CR2, 4, ADON);
        adc1.write(CR2, 4, ADON | ALIGN);
        setCr2Bit(adc1, RSTCAL); // what a bit-band write of RSTCAL does
        time.advance(MS);
        assertEquals(0, adc1.read(SR, 4));
    }

    @Test
    void shouldConvertOnSwstartAfterTheChannelsSamplingTime() {
        adc1.setChannelValue(5, 0xFFF);
        adc1.write(SMPR2, 4, 0b111 << 15); // SMP5 = 239.5 cycles
        adc1.write(SQR3, 4, 5);
        adc1.write(CR2, 4, ADON | EXTSEL_SWSTART);
        adc1.write(CR2, 4, ADON | EXTSEL_SWSTART | EXTTRIG | SWSTART); // HAL_ADC_Start
        assertEquals(0, adc1.read(CR2, 4) & SWSTART, "cleared as the conversion starts");
        time.advance(SLOW_CONVERSION_PS - 1);
        assertEquals(0, adc1.read(SR, 4) & EOC);
        time.advance(1);
        assertEquals(EOC, adc1.read(SR, 4) & EOC);
        assertEquals(0xFFF, adc1.read(DR, 4));
    }

    @Test
    void shouldNotConvertOnSwstartUnlessSwstartIsTheSelectedTrigger() {
        adc1.write(CR2, 4, ADON);
        adc1.write(CR2, 4, ADON | EXTTRIG | SWSTART); // EXTSEL = 000 (TIM1 CC1)
        time.advance(MS);
        assertEquals(0, adc1.read(SR, 4) & EOC);
    }

    @Test
    void shouldRaiseTheInterruptAtEndOfConversionWithEocieUntilEocIsCleared() {
        adc1.write(CR1, 4, EOCIE);
        adc1.write(CR2, 4, ADON);
        adc1.write(CR2, 4, ADON);
        assertFalse(irq.level());
        time.advance(FAST_CONVERSION_PS);
        assertTrue(irq.level());
        adc1.write(SR, 4, ~EOC);
        assertFalse(irq.level());
    }

    @Test
    void shouldShareTheAdc12LineBetweenBothConverters() {
        SharedIrqLine adc12 = new SharedIrqLine(irq);
        Stm32f1Adc a1 = adc(adc12.input(), true);
        Stm32f1Adc a2 = adc(adc12.input(), false);
        for (Stm32f1Adc a : new Stm32f1Adc[]{a1, a2}) {
            a.write(CR1, 4, EOCIE);
            a.write(CR2, 4, ADON);
            a.write(CR2, 4, ADON);
        }
        time.advance(FAST_CONVERSION_PS);
        assertTrue(irq.level());
        a1.read(DR, 4);
        assertTrue(irq.level(), "ADC2 still asserts the line");
        a2.read(DR, 4);
        assertFalse(irq.level());
    }

    @Test
    void shouldReadTheTemperatureSensorOnlyWithTsvrefeAndOnlyOnAdc1() {
        adc1.write(SQR3, 4, 16);
        adc1.write(CR2, 4, ADON);
        adc1.write(CR2, 4, ADON);
        time.advance(FAST_CONVERSION_PS);
        assertEquals(0, adc1.read(DR, 4), "sensor off");
        adc1.write(CR2, 4, ADON | TSVREFE);
        adc1.write(CR2, 4, ADON | TSVREFE);
        time.advance(FAST_CONVERSION_PS);
        assertEquals(1775, adc1.read(DR, 4), "about 1.43 V of 3.3 V");

        Stm32f1Adc adc2 = adc(new IrqProbe(), false);
        adc2.write(SQR3, 4, 17);
        adc2.write(CR2, 4, ADON | TSVREFE);
        adc2.write(CR2, 4, ADON | TSVREFE);
        time.advance(FAST_CONVERSION_PS);
        assertEquals(EOC, adc2.read(SR, 4) & EOC);
        assertEquals(0, adc2.read(DR, 4), "ADC2's channel 17 is tied to VSS");
    }

    @Test
    void shouldLeftAlignTheResultWithAlign() {
        adc1.setChannelValue(0, 0xABC);
        adc1.write(CR2, 4, ADON | ALIGN);
        adc1.write(CR2, 4, ADON | ALIGN);
        time.advance(FAST_CONVERSION_PS);
        assertEquals(0xABC0, adc1.read(DR, 4));
    }

    @Test
    void shouldConvertTheWholeSequenceInScanModeAndLeaveTheLastResult() {
        adc1.setChannelValue(0, 0x111);
        adc1.setChannelValue(1, 0x222);
        adc1.write(CR1, 4, SCAN);
        adc1.write(SQR1, 4, 1 << 20); // L = 1: two conversions
        adc1.write(SQR3, 4, (1 << 5) | 0); // SQ1 = 0, SQ2 = 1
        adc1.write(CR2, 4, ADON);
        adc1.write(CR2, 4, ADON);
        time.advance(2 * FAST_CONVERSION_PS - 2);
        assertEquals(0, adc1.read(SR, 4) & EOC);
        time.advance(2);
        assertEquals(0x222, adc1.read(DR, 4));
    }

    @Test
    void shouldKeepConvertingInContinuousModeOnceEocIsCleared() {
        adc1.setChannelValue(0, 100);
        adc1.write(CR2, 4, ADON | CONT);
        adc1.write(CR2, 4, ADON | CONT);
        time.advance(FAST_CONVERSION_PS);
        assertEquals(100, adc1.read(DR, 4));
        adc1.setChannelValue(0, 200);
        time.advance(FAST_CONVERSION_PS);
        assertEquals(EOC, adc1.read(SR, 4) & EOC, "the next conversion completed");
        assertEquals(200, adc1.read(DR, 4), "DR follows the input");
        adc1.write(CR2, 4, ADON);
        time.advance(FAST_CONVERSION_PS);
        adc1.read(DR, 4); // the conversion under way when CONT was cleared still ends
        time.advance(10 * FAST_CONVERSION_PS);
        assertEquals(0, adc1.read(SR, 4) & EOC, "CONT cleared: conversions stop");
    }
}
