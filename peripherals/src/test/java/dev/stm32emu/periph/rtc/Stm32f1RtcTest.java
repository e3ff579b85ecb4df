package dev.stm32emu.periph.rtc;

import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.TestBench;
import dev.stm32emu.periph.pwr.Stm32f1Pwr;
import dev.stm32emu.periph.rcc.Stm32f1Rcc;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.stm32emu.periph.TestBench.bitBandRead;
import static dev.stm32emu.periph.TestBench.bitBandWrite;
import static dev.stm32emu.periph.TestBench.ms;
import static dev.stm32emu.periph.TestBench.us;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1RtcTest {
    private static final int CRH = 0x00;
    private static final int CRL = 0x04;
    private static final int PRLH = 0x08;
    private static final int PRLL = 0x0C;
    private static final int DIVL = 0x14;
    private static final int CNTH = 0x18;
    private static final int CNTL = 0x1C;
    private static final int ALRH = 0x20;
    private static final int ALRL = 0x24;
    private static final int SECF = 1;
    private static final int ALRF = 1 << 1;
    private static final int OWF = 1 << 2;
    private static final int RSF = 1 << 3;
    private static final int CNF = 1 << 4;
    private static final int RTOFF = 1 << 5;
    private static final long SECOND = 1_000_000_000_000L;

    private final TestBench bench = new TestBench();
    private final Stm32f1Pwr pwr = new Stm32f1Pwr(bench.log("pwr"));
    private final Stm32f1Rcc rcc = new Stm32f1Rcc(bench.log("rcc"), bench.clock, 8_000_000L, 32_768L,
            pwr::backupWriteEnabled, new TestBench.Irq());
    private final List<Long> interrupts = new ArrayList<>();
    private final IrqLine globalIrq = new IrqLine() {
        private boolean level;

        @Override
        public void set(boolean l) {
            if (l && !level) {
                interrupts.add(bench.clock.nowPs());
            }
            level = l;
        }
    };
    private final TestBench.Irq alarmLine = new TestBench.Irq();
    private final Stm32f1Rtc rtc = new Stm32f1Rtc(bench.log("rtc"), bench.scheduler, rcc, pwr::backupWriteEnabled,
            globalIrq, alarmLine);

    Stm32f1RtcTest() {
        rcc.addBackupDomainResetListener(rtc::backupDomainReset);
    }

    /** HAL_RCCEx_PeriphCLKConfig for the RTC on the LSE. */
    private void clockFromLse() {
        bitBandWrite(pwr, 0, 8, true);
        rcc.write(0x20, 4, 1); // LSEON
        rcc.write(0x20, 4, 1 | 1 << 8 | 1 << 15); // RTCSEL = LSE, RTCEN
    }

    /** Waits (in virtual time) for a CRL bit, as firmware's busy loop would; false if it never came. */
    private boolean waitFor(int bit) {
        for (int i = 0; i < 10_000; i++) {
            if ((rtc.read(CRL, 4) & bit) != 0) {
                return true;
            }
            bench.runFor(us(1));
        }
        return false;
    }

    /** RM0008 §18.3.4: wait RTOFF, CNF=1, write, CNF=0, wait RTOFF. */
    private void configure(int... offsetValuePairs) {
        assertTrue(waitFor(RTOFF));
        rtc.write(CRL, 4, rtc.read(CRL, 4) | CNF);
        for (int i = 0; i < offsetValuePairs.length; i += 2) {
            rtc.write(offsetValuePairs[i], 4, offsetValuePairs[i + 1]);
        }
        rtc.write(CRL, 4, rtc.read(CRL, 4) & ~CNF);
        assertTrue(waitFor(RTOFF));
    }

    private long counter() {
        return (long) rtc.read(CNTH, 4) << 16 | rtc.read(CNTL, 4);
    }

    @Test
    void shouldTickOncePerPrlPlusOneRtcclkPeriods() {
        clockFromLse();
        configure(PRLH, 0, PRLL, 0x7FFF, CNTH, 0, CNTL, 0);
        rtc.write(CRH, 4, 1); // SECIE
        runClearingSecond(4040);
        assertEquals(4, interrupts.size());
        for (int i = 1; i < interrupts.size(); i++) {
            assertEquals(SECOND, interrupts.get(i) - interrupts.get(i - 1), 1, "32768 ticks of 32.768 kHz");
        }
        assertEquals(4, counter());
        configure(PRLL, 0x3FFF); // takes effect at the next DIV reload (RM0008 §18.3.1)
        interrupts.clear();
        runClearingSecond(3000);
        assertTrue(interrupts.size() >= 4);
        assertEquals(SECOND / 2, interrupts.getLast() - interrupts.get(interrupts.size() - 2), 1);
    }

    /** Runs {@code millis} of virtual time with an "interrupt handler" clearing SECF every 10 ms. */
    private void runClearingSecond(int millis) {
        for (int t = 0; t < millis; t += 10) {
            bench.runFor(ms(10));
            if ((rtc.read(CRL, 4) & SECF) != 0) {
                rtc.write(CRL, 4, rtc.read(CRL, 4) & ~SECF);
            }
        }
    }

    @Test
    void shouldNotCountWithoutAnRtcClock() {
        bench.runFor(ms(3000));
        assertEquals(0, counter());
        assertEquals(0x8000, rtc.read(DIVL, 4));
    }

    @Test
    void shouldSetRsfAgainOneRtcclkTickAfterItIsCleared() {
        clockFromLse();
        assertTrue(waitFor(RSF), "set by the first tick after reset");
        bitBandWrite(rtc, CRL, 3, false); // libmaple rtc_clear_sync through the alias
        assertFalse(bitBandRead(rtc, CRL, 3));
        bench.runFor(us(31)); // one period of 32.768 kHz is 30.5 us
        assertTrue(bitBandRead(rtc, CRL, 3));
    }

    @Test
    void shouldLeaveRsfClearWhileTheRtcClockIsStopped() {
        bench.runFor(ms(100));
        assertEquals(RTOFF, rtc.read(CRL, 4), "CRL resets to 0x20: HAL/libopencm3/libmaple would wait for RSF");
    }

    @Test
    void shouldApplyConfigurationWritesWhenRtoffReturnsThreeRtcclkPeriodsLater() {
        clockFromLse();
        assertTrue(waitFor(RTOFF));
        rtc.write(CRL, 4, CNF);
        rtc.write(CNTL, 4, 1000);
        assertEquals(0, counter(), "the write runs when CNF is cleared");
        rtc.write(CRL, 4, 0);
        assertEquals(0, rtc.read(CRL, 4) & RTOFF);
        bench.runFor(us(60));
        assertEquals(0, rtc.read(CRL, 4) & RTOFF, "at least 2 full RTCCLK periods");
        bench.runFor(us(32));
        assertEquals(RTOFF, rtc.read(CRL, 4) & RTOFF, "at most 3 periods");
        assertEquals(1000, counter());
    }

    @Test
    void shouldIgnoreCounterWritesOutsideConfigurationMode() {
        clockFromLse();
        rtc.write(CNTL, 4, 1000);
        bench.runFor(ms(1));
        assertEquals(0, counter());
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("CNF=0")));
    }

    @Test
    void shouldRaiseTheAlarmWhenTheCounterReachesAlr() {
        clockFromLse();
        configure(PRLL, 0x7FFF, CNTL, 0, ALRH, 0, ALRL, 3);
        rtc.write(CRH, 4, 2); // ALRIE
        bench.runFor(ms(2900));
        assertFalse(alarmLine.level());
        bench.runFor(ms(1200));
        assertTrue(alarmLine.level(), "EXTI line 17");
        assertEquals(1, interrupts.size());
        assertEquals(ALRF, rtc.read(CRL, 4) & ALRF);
        rtc.write(CRL, 4, rtc.read(CRL, 4) & ~ALRF);
        assertFalse(alarmLine.level());
    }

    @Test
    void shouldFlagTheOverflowWhenTheCounterWraps() {
        clockFromLse();
        configure(PRLL, 0x7FFF, CNTH, 0xFFFF, CNTL, 0xFFFF);
        rtc.write(CRH, 4, 4); // OWIE
        bench.runFor(ms(1100));
        assertEquals(0, counter());
        assertEquals(OWF, rtc.read(CRL, 4) & OWF);
        assertEquals(1, interrupts.size());
    }

    @Test
    void shouldKeepCountingAcrossASystemResetWithControlRegistersReset() {
        clockFromLse();
        configure(PRLL, 0x7FFF, ALRH, 0, ALRL, 7);
        rtc.write(CRH, 4, 1);
        bench.runFor(ms(3100));
        long before = counter();
        rtc.reset(ResetKind.SOFTWARE);
        assertEquals(0, rtc.read(CRH, 4));
        assertEquals(RTOFF, rtc.read(CRL, 4));
        assertEquals(before, counter());
        assertEquals(0xFFFF, rtc.read(ALRL, 4), "the APB copy of ALR is reset ...");
        bench.runFor(ms(5000));
        assertEquals(ALRF, rtc.read(CRL, 4) & ALRF, "... but the alarm in the backup domain still fires");
    }

    @Test
    void shouldStartFromScratchAfterABackupDomainReset() {
        clockFromLse();
        configure(PRLL, 0x7FFF, CNTL, 500);
        bitBandWrite(rcc, 0x20, 16, true);
        bitBandWrite(rcc, 0x20, 16, false);
        assertEquals(0, counter());
        assertEquals(0x8000, rtc.read(PRLL, 4));
        assertEquals(0, rcc.rtcClockHz(), "BDCR lost RTCEN too");
    }

    @Test
    void shouldIgnoreWritesWhileTheBackupDomainIsWriteProtected() {
        clockFromLse();
        bitBandWrite(pwr, 0, 8, false);
        rtc.write(CRH, 4, 7);
        assertEquals(0, rtc.read(CRH, 4));
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("DBP")));
    }
}
