package dev.stm32emu.cli.dfu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stm32emu.cli.dfu.DfuMemory.Operation;
import org.junit.jupiter.api.Test;

class NorFlashFakeTest {

    private final NorFlashFake flash = new NorFlashFake("@Internal Flash  /0x08000000/2*1Ka,6*1Kg");

    @Test
    void shouldStartErased() throws Exception {
        assertArrayEquals(new byte[]{-1, -1, -1, -1}, flash.read(0x08001FF0L, 4));
    }

    @Test
    void shouldOnlyClearBitsWhenProgrammingAndFailVerification() throws Exception {
        flash.program(0x08000800L, new byte[]{(byte) 0xF0});

        DfuMemoryException e = assertThrows(DfuMemoryException.class,
                () -> flash.program(0x08000800L, new byte[]{0x0F}));

        assertEquals(DfuMemoryError.VERIFY, e.error());
        assertArrayEquals(new byte[]{0x00}, flash.peek(0x08000800L, 1));
    }

    @Test
    void shouldEraseExactlyThePageHoldingTheAddress() throws Exception {
        flash.poke(0x08000BFFL, new byte[]{0, 0, 0});

        flash.erase(0x08000C10L);

        assertArrayEquals(new byte[]{0, -1, -1}, flash.peek(0x08000BFFL, 3));
        assertEquals(1, flash.count(Operation.ERASE));
    }

    @Test
    void shouldRefuseToEraseOrProgramAReadOnlySegment() {
        assertEquals(DfuMemoryError.TARGET,
                assertThrows(DfuMemoryException.class, () -> flash.erase(0x08000000L)).error());
        assertEquals(DfuMemoryError.TARGET,
                assertThrows(DfuMemoryException.class, () -> flash.program(0x080003FFL, new byte[2])).error());
    }

    @Test
    void shouldReadShortAtTheEndOfMemoryAndRefuseToReadBeyondIt() throws Exception {
        assertEquals(16, flash.read(0x08001FF0L, 64).length);
        assertEquals(DfuMemoryError.TARGET,
                assertThrows(DfuMemoryException.class, () -> flash.read(0x08002000L, 4)).error());
    }

    @Test
    void shouldFailAnInjectedOperationTheGivenNumberOfTimes() throws Exception {
        flash.inject(Operation.ERASE, 0x08001000L, DfuMemoryError.ERASE, 1);

        assertEquals(DfuMemoryError.ERASE,
                assertThrows(DfuMemoryException.class, () -> flash.erase(0x08001000L)).error());
        flash.erase(0x08001000L);
        flash.erase(0x08001400L);
    }

    @Test
    void shouldRefuseReadsUnderReadProtectionUntilUnprotected() throws Exception {
        flash.poke(0x08000000L, new byte[]{1});
        flash.readProtected(true);

        assertEquals(DfuMemoryError.PROTECTED,
                assertThrows(DfuMemoryException.class, () -> flash.read(0x08000000L, 1)).error());
        flash.readUnprotect();
        assertArrayEquals(new byte[]{-1}, flash.read(0x08000000L, 1));
    }
}
