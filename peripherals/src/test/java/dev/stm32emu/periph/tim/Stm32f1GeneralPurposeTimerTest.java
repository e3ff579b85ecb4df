package dev.stm32emu.periph.tim;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.iotest.FakeClockTree;
import dev.stm32emu.periph.iotest.IrqProbe;
import dev.stm32emu.periph.iotest.VirtualTime;
import org.junit.jupiter.api.Test;

import static dev.stm32emu.periph.iotest.VirtualTime.MS;
import static dev.stm32emu.periph.iotest.VirtualTime.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1GeneralPurposeTimerTest {
    private static final int CR1 = 0x00;
    private static final int DIER = 0x0C;
    private static final int SR = 0x10;
    private static final int EGR = 0x14;
    private static final int CNT = 0x24;
    private static final int PSC = 0x28;
    private static final int ARR = 0x2C;
    private static final int CEN = 1;
    private static final int UDIS = 1 << 1;
    private static final int URS = 1 << 2;
    private static final int OPM = 1 << 3;
    private static final int DIR = 1 << 4;
    private static final int ARPE = 1 << 7;
    private static final int UIF = 1;
    private static final int UIE = 1;
    private static final int UG = 1;

    private final VirtualTime time = new VirtualTime();
    private final FakeClockTree clocks = new FakeClockTree().timerClock(1, 1_000_000);
    private final IrqProbe irq = new IrqProbe();
    private final Stm32f1GeneralPurposeTimer tim = new Stm32f1GeneralPurposeTimer(DeviceLog.standalone("tim2"),
            time.scheduler(), clocks, 1, irq);

    /** CR1, PSC, ARR, UG, clear UIF, then CEN: HAL_TIM_Base_Init + HAL_TIM_Base_Start(_IT). */
    private void start(int psc, int arr, int cr1, boolean interrupt) {
        tim.write(CR1, 4, cr1);
        tim.write(PSC, 4, psc);
        tim.write(ARR, 4, arr);
        tim.write(EGR, 4, UG);
        tim.write(SR, 4, ~UIF);
        tim.write(DIER, 4, interrupt ? UIE : 0);
        tim.write(CR1, 4, cr1 | CEN);
    }

    @Test
    void shouldResetWithArrAtFfffAndTheCounterStopped() {
        assertEquals(0xFFFF, tim.read(ARR, 4));
        assertEquals(0, tim.read(PSC, 4));
        time.advance(MS);
        assertEquals(0, tim.read(CNT, 4));
    }

    @Test
    void shouldRaiseTheUpdateInterruptEveryPscPlusOneTimesArrPlusOneTimerClocks() {
        clocks.timerClock(1, 72_000_000);
        start(71, 999, 0, true); // HAL's 1 kHz timebase at TIMCLK 72 MHz
        time.advanceTo(MS - 1);
        assertFalse(irq.level());
        time.advanceTo(MS);
        assertTrue(irq.level());
        assertEquals(UIF, tim.read(SR, 4));
        tim.write(SR, 4, ~UIF);
        assertFalse(irq.level());
        time.advanceTo(2 * MS - 1);
        assertFalse(irq.level());
        time.advanceTo(2 * MS);
        assertTrue(irq.level());
        assertEquals(2, irq.raises());
    }

    @Test
    void shouldComputeTheCounterFromVirtualTime() {
        clocks.timerClock(1, 8_000_000);
        start(7, 0xFFFF, 0, false); // 1 MHz counter
        time.advance(123 * US + 999_999);
        assertEquals(123, tim.read(CNT, 4));
        tim.write(CR1, 4, 0);
        time.advance(MS);
        assertEquals(123, tim.read(CNT, 4), "stopped");
        tim.write(CNT, 4, 1000);
        tim.write(CR1, 4, CEN);
        time.advance(10 * US);
        assertEquals(1010, tim.read(CNT, 4));
    }

    @Test
    void shouldApplyANewPrescalerOnlyAtTheNextUpdateEvent() {
        start(0, 99, 0, true);
        time.advanceTo(30 * US);
        tim.write(PSC, 4, 1);
        assertEquals(1, tim.read(PSC, 4));
        time.advanceTo(100 * US - 1);
        assertFalse(irq.level(), "this period still counts at the old rate");
        assertEquals(99, tim.read(CNT, 4));
        time.advanceTo(100 * US);
        assertTrue(irq.level());
        tim.write(SR, 4, 0);
        time.advanceTo(300 * US - 1);
        assertFalse(irq.level());
        time.advanceTo(300 * US);
        assertTrue(irq.level(), "the next period is 100 counts at half the rate");
    }

    @Test
    void shouldLoadThePreloadsAndRestartTheCounterOnUg() {
        tim.write(CR1, 4, ARPE | CEN);
        time.advance(50 * US);
        tim.write(ARR, 4, 9); // preloaded: the shadow stays 0xFFFF
        time.advance(20 * US);
        assertEquals(70, tim.read(CNT, 4));
        tim.write(EGR, 4, UG);
        assertEquals(0, tim.read(CNT, 4));
        assertEquals(UIF, tim.read(SR, 4), "URS=0: UG sets UIF");
        tim.write(SR, 4, 0);
        time.advance(10 * US);
        assertEquals(UIF, tim.read(SR, 4), "ARR=9 is in effect: overflow after 10 counts");
        assertEquals(0, tim.read(CNT, 4));
    }

    @Test
    void shouldNotSetUifOnUgWhenUrsIsSet() {
        tim.write(CR1, 4, URS);
        tim.write(EGR, 4, UG);
        assertEquals(0, tim.read(SR, 4));
        tim.write(CR1, 4, URS | CEN);
        tim.write(ARR, 4, 4);
        time.advance(5 * US);
        assertEquals(UIF, tim.read(SR, 4), "URS=1 still lets overflows set UIF");
    }

    @Test
    void shouldWriteArrThroughWhenArpeIsClear() {
        start(0, 999, 0, true);
        time.advanceTo(10 * US);
        tim.write(ARR, 4, 19);
        time.advanceTo(20 * US - 1);
        assertFalse(irq.level());
        time.advanceTo(20 * US);
        assertTrue(irq.level());
    }

    @Test
    void shouldSkipTheUpdateEventWhenUdisIsSetButStillWrapTheCounter() {
        start(0, 99, 0, true);
        tim.write(CR1, 4, UDIS | CEN);
        time.advance(150 * US);
        assertEquals(0, tim.read(SR, 4));
        assertFalse(irq.level());
        assertEquals(50, tim.read(CNT, 4));
        tim.write(CR1, 4, UDIS | CEN);
        tim.write(EGR, 4, UG);
        assertEquals(0, tim.read(SR, 4), "no update event from UG either");
        assertEquals(0, tim.read(CNT, 4), "but UG restarts the counter");
    }

    @Test
    void shouldStopAtTheFirstUpdateInOnePulseMode() {
        start(0, 99, OPM, false);
        time.advance(100 * US);
        assertEquals(UIF, tim.read(SR, 4));
        assertEquals(0, tim.read(CR1, 4) & CEN, "CEN cleared by hardware");
        time.advance(30 * US);
        assertEquals(0, tim.read(CNT, 4));
    }

    @Test
    void shouldCountDownFromArrAndUnderflowAfterArrPlusOneCounts() {
        start(0, 99, DIR, true);
        assertEquals(99, tim.read(CNT, 4), "UG loads ARR when counting down");
        time.advanceTo(10 * US);
        assertEquals(89, tim.read(CNT, 4));
        time.advanceTo(100 * US - 1);
        assertFalse(irq.level());
        time.advanceTo(100 * US);
        assertTrue(irq.level());
        assertEquals(99, tim.read(CNT, 4));
    }

    @Test
    void shouldRetimeTheCounterWhenTheTimerClockChanges() {
        start(0, 99, 0, true);
        time.advanceTo(50 * US);
        clocks.timerClock(1, 2_000_000);
        time.advanceTo(75 * US - 1);
        assertFalse(irq.level());
        time.advanceTo(75 * US);
        assertTrue(irq.level(), "50 counts at 1 MHz, then 50 at 2 MHz");
    }

    @Test
    void shouldSetUifForAPollingFirmwareWithoutSchedulingEvents() {
        start(0, 99, 0, false);
        time.advance(1234 * US);
        assertEquals(Long.MAX_VALUE, time.scheduler().nextEventPs(), "no interrupt enabled, nothing scheduled");
        assertEquals(34, tim.read(CNT, 4));
        assertEquals(UIF, tim.read(SR, 4));
    }

    @Test
    void shouldBlockTheCounterWhileTheAutoReloadValueIsZero() {
        start(0, 0, 0, true);
        time.advance(MS);
        assertEquals(0, tim.read(CNT, 4));
        assertFalse(irq.level());
    }

    @Test
    void shouldSetCaptureCompareFlagsFromEgrAndReadEgrAsZero() {
        tim.write(EGR, 4, 0b0000_0110);
        assertEquals(0, tim.read(EGR, 4));
        assertEquals(0b0000_0110, tim.read(SR, 4));
        tim.write(DIER, 4, 1 << 1);
        assertTrue(irq.level(), "CC1IF with CC1IE");
    }

    @Test
    void shouldStopCountingAndForgetTheShadowsOnReset() {
        start(3, 9, 0, true);
        tim.reset(ResetKind.SOFTWARE);
        time.advance(MS);
        assertEquals(0, tim.read(CNT, 4));
        assertFalse(irq.level());
        assertEquals(Long.MAX_VALUE, time.scheduler().nextEventPs());
    }
}
