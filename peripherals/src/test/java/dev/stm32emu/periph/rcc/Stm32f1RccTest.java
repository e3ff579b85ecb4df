package dev.stm32emu.periph.rcc;

import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.TestBench;
import dev.stm32emu.periph.pwr.Stm32f1Pwr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.stm32emu.periph.TestBench.bitBandRead;
import static dev.stm32emu.periph.TestBench.bitBandWrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1RccTest {
    private static final int CR = 0x00;
    private static final int CFGR = 0x04;
    private static final int CIR = 0x08;
    private static final int APB2RSTR = 0x0C;
    private static final int AHBENR = 0x14;
    private static final int BDCR = 0x20;
    private static final int CSR = 0x24;
    private static final int HSEON = 1 << 16;
    private static final int HSERDY = 1 << 17;
    private static final int PLLON = 1 << 24;
    private static final int PLLRDY = 1 << 25;

    private final TestBench bench = new TestBench();
    private final Stm32f1Pwr pwr = new Stm32f1Pwr(bench.log("pwr"));
    private final TestBench.Irq irq = new TestBench.Irq();
    private final Stm32f1Rcc rcc = new Stm32f1Rcc(bench.log("rcc"), bench.clock, 8_000_000L, 32_768L,
            pwr::backupWriteEnabled, irq);

    private void set(int offset, int bits) {
        rcc.write(offset, 4, rcc.read(offset, 4) | bits);
    }

    private void clear(int offset, int bits) {
        rcc.write(offset, 4, rcc.read(offset, 4) & ~bits);
    }

    /** HAL_RCC_OscConfig + HAL_RCC_ClockConfig for HSE 8 MHz x9, APB1 /2, FLASH latency aside. */
    private void setUp72MHz() {
        set(CR, HSEON);
        assertTrue((rcc.read(CR, 4) & HSERDY) != 0);
        bitBandWrite(rcc, CR, 24, false); // HAL: PLLON=0 through the bit-band alias, then waits PLLRDY=0
        rcc.write(CFGR, 4, (rcc.read(CFGR, 4) & ~0x003F_0000) | 1 << 16 | 7 << 18); // PLLSRC=HSE, PLLMUL=x9
        bitBandWrite(rcc, CR, 24, true);
        assertTrue(bitBandRead(rcc, CR, 25), "PLLRDY");
        rcc.write(CFGR, 4, (rcc.read(CFGR, 4) & ~0x0700) | 0x0400); // PPRE1 = /2
        rcc.write(CFGR, 4, (rcc.read(CFGR, 4) & ~3) | 2); // SW = PLL
    }

    @Test
    void shouldComeOutOfPowerOnResetRunningFromHsiAt8MHz() {
        rcc.reset(ResetKind.POWER_ON);
        assertEquals(0x0000_0083, rcc.read(CR, 4));
        assertEquals(0, rcc.read(CFGR, 4));
        assertEquals(0x0000_0014, rcc.read(AHBENR, 4));
        assertEquals(0x0C00_0000, rcc.read(CSR, 4));
        assertEquals(8_000_000L, rcc.hclkHz());
        assertEquals(8_000_000L, bench.clock.coreHz());
    }

    @Test
    void shouldFollowEachOnBitWithItsReadyFlagInBothDirections() {
        set(CR, HSEON);
        assertEquals(HSERDY, rcc.read(CR, 4) & HSERDY);
        set(CR, PLLON);
        assertEquals(PLLRDY, rcc.read(CR, 4) & PLLRDY);
        clear(CR, PLLON);
        assertEquals(0, rcc.read(CR, 4) & PLLRDY);
        clear(CR, HSEON);
        assertEquals(0, rcc.read(CR, 4) & HSERDY);
        set(CSR, 1);
        assertEquals(2, rcc.read(CSR, 4) & 2, "LSIRDY");
        clear(CSR, 1);
        assertEquals(0, rcc.read(CSR, 4) & 2, "LSIRDY");
    }

    @Test
    void shouldNeverReadyTheHseWithoutAnythingOnOscIn() {
        Stm32f1Rcc noCrystal = new Stm32f1Rcc(bench.log("rcc0"), bench.clock, 0, 0, () -> true, irq);
        noCrystal.write(CR, 4, noCrystal.read(CR, 4) | HSEON | 1 << 18);
        assertEquals(0, noCrystal.read(CR, 4) & HSERDY);
        noCrystal.write(CFGR, 4, 1); // SW = HSE
        assertEquals(0, noCrystal.read(CFGR, 4) & 0xC, "SWS stays HSI");
    }

    @Test
    void shouldSwitchSysclkOnlyOnceTheSelectedSourceIsReady() {
        rcc.write(CFGR, 4, 1); // SW = HSE while the HSE is off
        assertEquals(0, rcc.read(CFGR, 4) & 0xC, "SWS still HSI");
        assertEquals(8_000_000L, rcc.sysclkHz());
        set(CR, HSEON);
        assertEquals(1 << 2, rcc.read(CFGR, 4) & 0xC, "SWS = HSE once HSERDY");
        assertEquals(8_000_000L, rcc.sysclkHz());
    }

    @Test
    void shouldRun72MHzFromHseTimesNineAndRetimeTheVirtualClock() {
        setUp72MHz();
        assertEquals(0x001D_040A, rcc.read(CFGR, 4));
        assertEquals(72_000_000L, rcc.sysclkHz());
        assertEquals(72_000_000L, rcc.hclkHz());
        assertEquals(36_000_000L, rcc.pclk1Hz());
        assertEquals(72_000_000L, rcc.pclk2Hz());
        assertEquals(72_000_000L, rcc.timerClockHz(1), "APB1 timers run at 2 x PCLK1");
        assertEquals(72_000_000L, rcc.timerClockHz(2));
        assertEquals(36_000_000L, rcc.adcClockHz());
        assertEquals(48_000_000L, rcc.usbClockHz());
        assertEquals(72_000_000L, bench.clock.coreHz());
    }

    @Test
    void shouldTellListenersWhenClocksChange() {
        List<Long> seen = new ArrayList<>();
        rcc.addListener(() -> seen.add(rcc.hclkHz()));
        setUp72MHz();
        assertEquals(72_000_000L, seen.getLast());
        rcc.write(CFGR, 4, rcc.read(CFGR, 4) | 0x80); // HPRE = /2
        assertEquals(36_000_000L, seen.getLast());
        assertEquals(36_000_000L, bench.clock.coreHz());
    }

    @Test
    void shouldRefuseToStopThePllWhileItDrivesSysclk() {
        setUp72MHz();
        clear(CR, PLLON);
        assertEquals(PLLON | PLLRDY, rcc.read(CR, 4) & (PLLON | PLLRDY));
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("PLLON")));
        // libmaple / STM32duino bootloader: switch to HSI first, then stop PLL and HSE
        rcc.write(CFGR, 4, rcc.read(CFGR, 4) & 0xF8FF_0000);
        rcc.write(CR, 4, rcc.read(CR, 4) & 0xFEF6_FFFF);
        assertEquals(0, rcc.read(CR, 4) & (PLLON | PLLRDY | HSEON | HSERDY));
        assertEquals(8_000_000L, rcc.hclkHz());
    }

    @Test
    void shouldIgnorePllConfigurationWritesWhileThePllRuns() {
        set(CR, PLLON); // PLL from HSI/2 x2 = 8 MHz
        rcc.write(CFGR, 4, 7 << 18);
        assertEquals(0, rcc.read(CFGR, 4) & (0xF << 18));
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("PLLMUL")));
    }

    @Test
    void shouldRefuseToStopHsiWhileItDrivesSysclk() {
        bitBandWrite(rcc, CR, 0, false);
        assertEquals(3, rcc.read(CR, 4) & 3, "HSION and HSIRDY stay");
    }

    @Test
    void shouldTakeByteWritesToCirAtOffsets9And10AsHalDoes() {
        rcc.write(CIR + 1, 1, 0x01); // __HAL_RCC_ENABLE_IT(RCC_IT_LSIRDY): byte at +9
        assertEquals(0x0000_0100, rcc.read(CIR, 4));
        set(CSR, 1); // LSION
        assertEquals(0x0000_0101, rcc.read(CIR, 4), "LSIRDYF");
        assertTrue(irq.level());
        rcc.write(CIR + 2, 1, 0x01); // __HAL_RCC_CLEAR_IT(RCC_IT_LSIRDY): byte at +0xA
        assertEquals(0x0000_0100, rcc.read(CIR, 4), "flag cleared, enable kept");
        assertFalse(irq.level());
    }

    @Test
    void shouldNotSetAReadyInterruptFlagWhileItsEnableIsClear() {
        set(CR, HSEON);
        assertEquals(0, rcc.read(CIR, 4) & 0x1F);
        assertFalse(irq.level());
    }

    @Test
    void shouldRecordEachResetKindInTheCsrFlags() {
        rcc.reset(ResetKind.POWER_ON);
        assertEquals(0x0C00_0000, rcc.read(CSR, 4) & 0xFC00_0000);
        bitBandWrite(rcc, CSR, 24, true); // HAL __HAL_RCC_CLEAR_RESET_FLAGS through the bit-band alias
        assertEquals(0, rcc.read(CSR, 4) & 0xFC00_0000);
        rcc.reset(ResetKind.SOFTWARE);
        assertEquals(0x1400_0000, rcc.read(CSR, 4) & 0xFC00_0000, "SFTRSTF | PINRSTF");
        rcc.reset(ResetKind.INDEPENDENT_WATCHDOG);
        assertEquals(0x3400_0000, rcc.read(CSR, 4) & 0xFC00_0000, "flags accumulate until RMVF");
        rcc.write(CSR, 4, 1 << 24);
        rcc.reset(ResetKind.PIN);
        assertEquals(0x0400_0000, rcc.read(CSR, 4) & 0xFC00_0000);
        rcc.reset(ResetKind.WINDOW_WATCHDOG);
        assertEquals(0x4400_0000, rcc.read(CSR, 4) & 0xFC00_0000);
        rcc.reset(ResetKind.LOW_POWER);
        assertEquals(0xC400_0000, rcc.read(CSR, 4) & 0xFC00_0000);
    }

    @Test
    void shouldReturnToHsiAndClearLsionOnASystemReset() {
        setUp72MHz();
        set(CSR, 1);
        rcc.reset(ResetKind.SOFTWARE);
        assertEquals(8_000_000L, rcc.hclkHz());
        assertEquals(8_000_000L, bench.clock.coreHz());
        assertEquals(0, rcc.read(CSR, 4) & 3);
        assertEquals(0x83, rcc.read(CR, 4));
    }

    @Test
    void shouldIgnoreBdcrWritesUntilPwrDbpIsSet() {
        rcc.write(BDCR, 4, 1 | 1 << 8 | 1 << 15); // LSEON, RTCSEL=LSE, RTCEN
        assertEquals(0, rcc.read(BDCR, 4));
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("DBP")));
        bitBandWrite(pwr, 0, 8, true); // HAL_PWR_EnableBkUpAccess
        rcc.write(BDCR, 4, 1 | 1 << 8 | 1 << 15);
        assertEquals(1 | 2 | 1 << 8 | 1 << 15, rcc.read(BDCR, 4), "LSERDY follows LSEON");
        assertEquals(32_768L, rcc.rtcClockHz());
    }

    @Test
    void shouldKeepBdcrAcrossASystemResetButNotAPowerOnReset() {
        bitBandWrite(pwr, 0, 8, true);
        rcc.write(BDCR, 4, 1 | 2 << 8 | 1 << 15); // LSEON, RTCSEL=LSI, RTCEN
        rcc.reset(ResetKind.SOFTWARE);
        assertEquals(1 | 2 | 2 << 8 | 1 << 15, rcc.read(BDCR, 4));
        assertEquals(0, rcc.rtcClockHz(), "the LSI stopped with the reset");
        rcc.reset(ResetKind.POWER_ON);
        assertEquals(0, rcc.read(BDCR, 4));
    }

    @Test
    void shouldResetTheBackupDomainWithBdrstLikeHalPeriphClkConfig() {
        List<String> resets = new ArrayList<>();
        rcc.addBackupDomainResetListener(() -> resets.add("bkp"));
        bitBandWrite(pwr, 0, 8, true);
        rcc.write(BDCR, 4, 1 | 2 << 8 | 1 << 15);
        int saved = rcc.read(BDCR, 4) & ~(3 << 8);
        bitBandWrite(rcc, BDCR, 16, true);
        assertEquals(1 << 16, rcc.read(BDCR, 4));
        bitBandWrite(rcc, BDCR, 16, false);
        assertEquals(List.of("bkp"), resets);
        rcc.write(BDCR, 4, saved | 1 << 8); // restore with the new RTCSEL = LSE
        assertEquals(1 | 2 | 1 << 8 | 1 << 15, rcc.read(BDCR, 4));
    }

    @Test
    void shouldLetRtcselChangeOnlyAfterABackupDomainReset() {
        bitBandWrite(pwr, 0, 8, true);
        rcc.write(BDCR, 4, 1 << 8);
        rcc.write(BDCR, 4, 2 << 8);
        assertEquals(1 << 8, rcc.read(BDCR, 4) & (3 << 8));
    }

    @Test
    void shouldRunPeripheralResetsOnTheRisingEdgeOfTheirRstrBit() {
        List<String> resets = new ArrayList<>();
        rcc.onPeripheralReset(Stm32f1Rcc.Bus.APB2, 14, () -> resets.add("usart1"));
        bitBandWrite(rcc, APB2RSTR, 14, true); // libmaple rcc_reset_dev
        bitBandWrite(rcc, APB2RSTR, 14, false);
        assertEquals(List.of("usart1"), resets);
        set(0x18, 1 << 14);
        assertTrue(rcc.isClockEnabled(Stm32f1Rcc.Bus.APB2, 14));
    }

    @Test
    void shouldKeepTheLsiOnWhileTheWatchdogForcesIt() {
        rcc.forceLsiOn();
        assertEquals(Stm32f1Rcc.LSI_HZ, rcc.lsiHz());
        assertEquals(2, rcc.read(CSR, 4) & 3, "LSIRDY without LSION");
        rcc.reset(ResetKind.INDEPENDENT_WATCHDOG);
        assertEquals(0, rcc.lsiHz());
    }

    @Test
    void shouldRunTheStm32duinoBootloaderClockSetup() {
        rcc.write(CR, 4, rcc.read(CR, 4) | 0x0001_0001);
        assertTrue((rcc.read(CR, 4) & HSERDY) != 0);
        rcc.write(CFGR, 4, rcc.read(CFGR, 4) | 0x001D_0400);
        rcc.write(CR, 4, rcc.read(CR, 4) | PLLON);
        rcc.write(CFGR, 4, rcc.read(CFGR, 4) | 2);
        assertTrue((rcc.read(CFGR, 4) & 8) != 0, "SWS bit 3");
        assertEquals(72_000_000L, bench.clock.coreHz());
    }
}
