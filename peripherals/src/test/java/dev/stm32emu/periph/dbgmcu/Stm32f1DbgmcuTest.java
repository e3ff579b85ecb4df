package dev.stm32emu.periph.dbgmcu;

import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.TestBench;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Stm32f1DbgmcuTest {
    private final TestBench bench = new TestBench();

    @Test
    void shouldReadDeviceAndRevisionIdOfAMediumDensityPart() {
        Stm32f1Dbgmcu dbg = new Stm32f1Dbgmcu(bench.log("dbgmcu"), Stm32f1Dbgmcu.DEV_ID_MEDIUM_DENSITY, 0x2003);
        assertEquals(0x2003_6410, dbg.read(0, 4), "what a real F103C8 returns over SWD");
        assertEquals(0x2003, dbg.read(2, 2));
        dbg.write(0, 4, 0);
        assertEquals(0x2003_6410, dbg.read(0, 4), "read-only");
    }

    @Test
    void shouldReadDeviceIdOfAHighDensityPart() {
        Stm32f1Dbgmcu dbg = new Stm32f1Dbgmcu(bench.log("dbgmcu"), Stm32f1Dbgmcu.DEV_ID_HIGH_DENSITY, 0x1003);
        assertEquals(0x1003_6414, dbg.read(0, 4), "what OpenOCD reports for an F103RE/ZE");
        assertEquals(0x414, dbg.read(0, 4) & 0xFFF);
    }

    @Test
    void shouldKeepCrAcrossSystemResetsButNotPowerOn() {
        Stm32f1Dbgmcu dbg = new Stm32f1Dbgmcu(bench.log("dbgmcu"), 0x410, 0x2003);
        dbg.write(4, 4, 1 << 8 | 7); // DBG_IWDG_STOP, sleep/stop/standby debug
        dbg.reset(ResetKind.SOFTWARE);
        assertEquals(1 << 8 | 7, dbg.read(4, 4));
        dbg.reset(ResetKind.POWER_ON);
        assertEquals(0, dbg.read(4, 4));
    }
}
