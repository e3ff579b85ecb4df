package dev.stm32emu.periph.iwdg;

import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.TestBench;
import dev.stm32emu.periph.rcc.Stm32f1Rcc;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.stm32emu.periph.TestBench.ms;
import static dev.stm32emu.periph.TestBench.us;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1IwdgTest {
    private static final int KR = 0x00;
    private static final int PR = 0x04;
    private static final int RLR = 0x08;
    private static final int SR = 0x0C;

    private final TestBench bench = new TestBench();
    private final Stm32f1Rcc rcc = new Stm32f1Rcc(bench.log("rcc"), bench.clock, 8_000_000L, 32_768L, () -> true,
            new TestBench.Irq());
    private final List<ResetKind> resets = new ArrayList<>();
    private final List<Long> resetTimes = new ArrayList<>();
    private boolean hardwareWatchdog;
    private final Stm32f1Iwdg iwdg = new Stm32f1Iwdg(bench.log("iwdg"), bench.scheduler, rcc, rcc::forceLsiOn,
            () -> hardwareWatchdog, kind -> {
                resets.add(kind);
                resetTimes.add(bench.clock.nowPs());
            });

    /** HAL_IWDG_Init: start, unlock, PR, RLR, wait for PVU/RVU to clear, reload. */
    private void halInit(int prescaler, int reload) {
        iwdg.write(KR, 4, 0xCCCC);
        iwdg.write(KR, 4, 0x5555);
        iwdg.write(PR, 4, prescaler);
        iwdg.write(RLR, 4, reload);
        for (int i = 0; i < 1000 && (iwdg.read(SR, 4) & 3) != 0; i++) {
            bench.runFor(us(10));
        }
        assertEquals(0, iwdg.read(SR, 4));
        iwdg.write(KR, 4, 0xAAAA);
    }

    @Test
    void shouldResetTheSystemAfter4Times2PowPrTimesRlPlus1LsiCycles() {
        halInit(3, 99); // 4 * 8 * 100 / 40 kHz = 80 ms
        long reloaded = bench.clock.nowPs();
        bench.runFor(ms(80) - us(1));
        assertTrue(resets.isEmpty());
        bench.runFor(us(2));
        assertEquals(List.of(ResetKind.INDEPENDENT_WATCHDOG), resets);
        assertEquals(ms(80), resetTimes.getFirst() - reloaded);
    }

    @Test
    void shouldPostponeTheResetOnEachReload() {
        halInit(3, 99);
        bench.runFor(ms(70));
        iwdg.write(KR, 4, 0xAAAA);
        bench.runFor(ms(70));
        iwdg.write(KR, 2, 0xAAAA); // a half-word store reaches KR replicated, still 0xAAAA
        bench.runFor(ms(79));
        assertTrue(resets.isEmpty());
        bench.runFor(ms(2));
        assertEquals(1, resets.size());
        assertTrue(bench.guestErrors().isEmpty(), "a replicated half-word store is legal: " + bench.guestErrors());
    }

    @Test
    void shouldExpireAfterTheDefaultTimeoutWhenOnlyStarted() {
        iwdg.write(KR, 4, 0xCCCC); // counts down from 0xFFF at LSI/4: 409.6 ms
        bench.runFor(ms(409));
        assertTrue(resets.isEmpty());
        bench.runFor(ms(1));
        assertEquals(1, resets.size());
    }

    @Test
    void shouldForceTheLsiOnWhenStarted() {
        assertEquals(0, rcc.lsiHz());
        iwdg.write(KR, 4, 0xCCCC);
        assertEquals(40_000L, rcc.lsiHz());
        assertEquals(2, rcc.read(0x24, 4) & 2, "RCC_CSR.LSIRDY");
        assertTrue(iwdg.isRunning());
    }

    @Test
    void shouldClearPvuAndRvuFiveLsiCyclesAfterTheWrite() {
        iwdg.write(KR, 4, 0xCCCC);
        iwdg.write(KR, 4, 0x5555);
        iwdg.write(PR, 4, 4);
        iwdg.write(RLR, 4, 0x123);
        assertEquals(3, iwdg.read(SR, 4));
        bench.runFor(us(124));
        assertEquals(3, iwdg.read(SR, 4));
        bench.runFor(us(1));
        assertEquals(0, iwdg.read(SR, 4));
        assertEquals(4, iwdg.read(PR, 4));
        assertEquals(0x123, iwdg.read(RLR, 4));
    }

    @Test
    void shouldKeepPvuSetWhileTheLsiIsOff() {
        iwdg.write(KR, 4, 0x5555); // not started: the LSI stays off
        iwdg.write(PR, 4, 2);
        bench.runFor(ms(10));
        assertEquals(1, iwdg.read(SR, 4));
        rcc.write(0x24, 4, 1); // RCC_CSR.LSION
        bench.runFor(us(125));
        assertEquals(0, iwdg.read(SR, 4));
    }

    @Test
    void shouldIgnorePrescalerAndReloadWritesWithoutTheUnlockKey() {
        iwdg.write(KR, 4, 0xCCCC);
        iwdg.write(PR, 4, 6);
        iwdg.write(KR, 4, 0x5555);
        iwdg.write(KR, 4, 0xAAAA); // a reload locks again
        iwdg.write(RLR, 4, 5);
        assertEquals(0, iwdg.read(PR, 4));
        assertEquals(0xFFF, iwdg.read(RLR, 4));
        assertEquals(0, iwdg.read(SR, 4));
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("0x5555")));
    }

    @Test
    void shouldNotStopOnceStarted() {
        iwdg.write(KR, 4, 0xCCCC);
        iwdg.write(KR, 4, 0x0000);
        bench.runFor(ms(410));
        assertEquals(1, resets.size());
    }

    @Test
    void shouldStartAtResetWhenTheOptionBytesSelectTheHardwareWatchdog() {
        hardwareWatchdog = true;
        rcc.reset(ResetKind.POWER_ON);
        iwdg.reset(ResetKind.POWER_ON);
        assertTrue(iwdg.isRunning());
        assertEquals(40_000L, rcc.lsiHz());
        bench.runFor(ms(410));
        assertEquals(1, resets.size());
    }

    @Test
    void shouldStopOnASystemResetWithTheSoftwareWatchdog() {
        iwdg.write(KR, 4, 0xCCCC);
        iwdg.reset(ResetKind.SOFTWARE);
        assertFalse(iwdg.isRunning());
        bench.runFor(ms(500));
        assertTrue(resets.isEmpty());
    }
}
