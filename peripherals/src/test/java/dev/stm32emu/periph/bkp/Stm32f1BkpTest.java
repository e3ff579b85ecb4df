package dev.stm32emu.periph.bkp;

import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.TestBench;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1BkpTest {
    private static final int DR1 = 0x04;
    private static final int DR10 = 0x28;
    private static final int CR = 0x30;
    private static final int CSR = 0x34;

    private final TestBench bench = new TestBench();
    private final TestBench.Irq tamper = new TestBench.Irq();
    private boolean dbp;
    private final Stm32f1Bkp bkp = new Stm32f1Bkp(bench.log("bkp"), Stm32f1Bkp.MD_DATA_REGISTERS, () -> dbp, tamper);

    @Test
    void shouldIgnoreDataWritesUntilPwrDbpIsSet() {
        bkp.write(DR10, 2, 0x424C); // the Arduino core's "stay in the bootloader" magic
        assertEquals(0, bkp.read(DR10, 4));
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("DBP")));
        dbp = true;
        bkp.write(DR10, 2, 0x424C);
        assertEquals(0x424C, bkp.read(DR10, 4));
        assertEquals(0x424C, bkp.dataRegister(10));
    }

    @Test
    void shouldKeepSixteenBitsPerDataRegister() {
        dbp = true;
        bkp.write(DR1, 4, 0x1234_5678);
        assertEquals(0x5678, bkp.read(DR1, 4));
    }

    @Test
    void shouldKeepDataAcrossSystemResetsAndLoseItOnPowerOn() {
        dbp = true;
        bkp.write(DR10, 4, 0x424D);
        bkp.reset(ResetKind.SOFTWARE);
        bkp.reset(ResetKind.INDEPENDENT_WATCHDOG);
        assertEquals(0x424D, bkp.read(DR10, 4));
        bkp.reset(ResetKind.POWER_ON);
        assertEquals(0, bkp.read(DR10, 4));
    }

    @Test
    void shouldClearDataOnABackupDomainReset() {
        dbp = true;
        bkp.write(DR1, 4, 0xA5A5);
        bkp.backupDomainReset();
        assertEquals(0, bkp.read(DR1, 4));
    }

    @Test
    void shouldPlaceDr11ToDr42AfterTheGapOnHighDensityParts() {
        Stm32f1Bkp hd = new Stm32f1Bkp(bench.log("bkp-hd"), Stm32f1Bkp.HD_DATA_REGISTERS, () -> true, tamper);
        assertEquals(0x40, Stm32f1Bkp.dataOffset(11));
        assertEquals(0xBC, Stm32f1Bkp.dataOffset(42));
        hd.write(0xBC, 4, 0x4242);
        assertEquals(0x4242, hd.dataRegister(42));
        dbp = true;
        bkp.write(0x40, 4, 0x4242); // no DR11 on medium density
        assertEquals(0, bkp.read(0x40, 4));
    }

    @Test
    void shouldClearTheDataOnATamperEventAndInterruptWhenEnabled() {
        dbp = true;
        bkp.write(DR1, 4, 0x1111);
        bkp.write(CSR, 4, 1 << 2); // TPIE
        bkp.write(CR, 4, 1); // TPE, TPAL=0: high level is a tamper event
        assertFalse(tamper.level());
        bkp.setTamperPin(true);
        assertEquals(0, bkp.read(DR1, 4));
        assertEquals(1 << 2 | 1 << 8 | 1 << 9, bkp.read(CSR, 4), "TEF and TIF");
        assertTrue(tamper.level());
        bkp.write(CSR, 4, 1 << 2 | 1 | 1 << 1); // CTE, CTI
        assertEquals(1 << 2, bkp.read(CSR, 4));
        assertFalse(tamper.level());
    }

    @Test
    void shouldDetectAPinAlreadyActiveWhenTamperDetectionIsEnabled() {
        dbp = true;
        bkp.write(DR1, 4, 0x1111);
        bkp.setTamperPin(false);
        bkp.write(CR, 4, 1 | 2); // TPE, TPAL=1: low level is a tamper event
        assertEquals(0, bkp.read(DR1, 4));
        assertEquals(1 << 8, bkp.read(CSR, 4), "TEF without TIF (TPIE=0)");
    }
}
