package dev.stm32emu.periph.pwr;

import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.TestBench;
import org.junit.jupiter.api.Test;

import static dev.stm32emu.periph.TestBench.bitBandRead;
import static dev.stm32emu.periph.TestBench.bitBandWrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1PwrTest {
    private final TestBench bench = new TestBench();
    private final Stm32f1Pwr pwr = new Stm32f1Pwr(bench.log("pwr"));

    @Test
    void shouldStoreDbpAndReadItBackThroughTheBitBandAliasAsHalPolls() {
        assertFalse(pwr.backupWriteEnabled());
        bitBandWrite(pwr, 0x00, 8, true); // 0x420E0020
        assertTrue(bitBandRead(pwr, 0x00, 8));
        assertTrue(pwr.backupWriteEnabled());
    }

    @Test
    void shouldClearDbpOnASystemReset() {
        pwr.write(0x00, 4, 1 << 8);
        pwr.reset(ResetKind.SOFTWARE);
        assertFalse(pwr.backupWriteEnabled());
        assertEquals(0, pwr.read(0x00, 4));
    }

    @Test
    void shouldReadTheWakeUpFlagClearBitsAsZeroAndPvdoAsZero() {
        pwr.write(0x00, 4, 1 << 2 | 1 << 3 | 1 << 4 | 7 << 5); // CWUF, CSBF, PVDE, PLS=2.9 V
        assertEquals(1 << 4 | 7 << 5, pwr.read(0x00, 4));
        assertEquals(0, pwr.read(0x04, 4) & 7, "WUF, SBF, PVDO");
    }

    @Test
    void shouldReplicateAHalfWordStoreAcrossTheWordOnApb1() {
        pwr.write(0x02, 2, 0x0100); // an APB half-word store of DBP at +2 lands as 0x01000100
        assertTrue(pwr.backupWriteEnabled());
    }
}
