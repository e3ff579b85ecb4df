package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.core.time.VirtualClock;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layer 1: SysTick in virtual time (ARMv7-M ARM B3.3; facts-cortexm.md §6). */
class SysTickTest {
    private final VirtualClock clock = new VirtualClock(72_000_000);
    private final Scheduler scheduler = new Scheduler(clock);
    private final Nvic nvic = new Nvic(43, 4);
    private final SysTick sysTick = new SysTick(scheduler, nvic, 0x2328, 8);

    private void advance(String duration) {
        long target = clock.nowPs() + Ticks.parseDuration(duration);
        while (scheduler.nextEventPs() <= target) {
            clock.advanceTo(scheduler.nextEventPs());
            scheduler.runDue();
        }
        clock.advanceTo(target);
        scheduler.runDue();
    }

    @Test
    void shouldPendSysTickEveryReloadPlusOneCoreCycles() {
        sysTick.writeRvr(72_000 - 1); // 1 ms at 72 MHz
        sysTick.writeCvr(0);
        sysTick.writeCsr(7);
        advance("999us");
        assertFalse(nvic.isPending(Exceptions.SYSTICK), "not before 1 ms");
        advance("2us");
        assertTrue(nvic.isPending(Exceptions.SYSTICK));
        nvic.acknowledge(Exceptions.SYSTICK);
        nvic.deactivate(Exceptions.SYSTICK);
        advance("998us");
        assertFalse(nvic.isPending(Exceptions.SYSTICK));
        advance("2us");
        assertTrue(nvic.isPending(Exceptions.SYSTICK), "second period also 1 ms");
    }

    @Test
    void shouldCountAtAnEighthOfTheCoreClockWithClksourceZero() {
        sysTick.writeRvr(9_000 - 1); // 1 ms at 9 MHz
        sysTick.writeCsr(3);
        advance("990us");
        assertFalse(nvic.isPending(Exceptions.SYSTICK));
        advance("20us");
        assertTrue(nvic.isPending(Exceptions.SYSTICK));
    }

    @Test
    void shouldClearCountflagWhenCsrIsRead() {
        sysTick.writeRvr(100);
        sysTick.writeCsr(5); // enabled, no interrupt
        advance("10us");
        assertTrue((sysTick.readCsr() & (1 << 16)) != 0);
        assertEquals(0, sysTick.readCsr() & (1 << 16));
        assertFalse(nvic.isPending(Exceptions.SYSTICK), "TICKINT = 0: no interrupt");
    }

    @Test
    void shouldClearCounterAndCountflagOnAnyCvrWrite() {
        sysTick.writeRvr(1000);
        sysTick.writeCsr(5);
        advance("20us");
        sysTick.writeCvr(0x1234);
        assertEquals(0, sysTick.readCvr());
        assertEquals(0, sysTick.readCsr() & (1 << 16));
    }

    @Test
    void shouldCountDownFromTheReloadValue() {
        sysTick.writeRvr(72_000 - 1);
        sysTick.writeCsr(5);
        advance("1ns"); // reload on the first tick
        advance("500us");
        int v = sysTick.readCvr();
        assertTrue(Math.abs(v - 36_000) < 3, "half-way through the period: " + v);
    }

    @Test
    void shouldKeepTwentyFourReloadBits() {
        sysTick.writeRvr(0xFFFF_FFFF);
        assertEquals(0x00FF_FFFF, sysTick.readRvr());
    }

    @Test
    void shouldRetimeWhenTheCoreClockChanges() {
        clock.setCoreHz(8_000_000);
        sysTick.writeRvr(8_000 - 1);
        sysTick.writeCsr(7);
        advance("500us");
        clock.setCoreHz(72_000_000); // remaining 4000 ticks now take 55.6 us
        advance("60us");
        assertTrue(nvic.isPending(Exceptions.SYSTICK));
    }
}
