package dev.stm32emu.cli.dfu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DfuseOptionsTest {

    @Test
    void shouldReadAnAddressAndLeave() throws Exception {
        DfuseOptions o = DfuseOptions.parse("0x08008000:leave");

        assertEquals(0x08008000L, o.address());
        assertTrue(o.leave());
        assertEquals(0, o.length());
        assertEquals(0, o.force());
    }

    @Test
    void shouldReadEveryModifierAndTakeANumberAsTheUploadLength() throws Exception {
        DfuseOptions o = DfuseOptions.parse("0x08000000:force:mass-erase:will-reset:unprotect:leave:0x2800");

        assertEquals(new DfuseOptions(0x08000000L, 0x2800, 1, true, true, true, true), o);
        assertEquals("0x08000000:force:leave:unprotect:mass-erase:will-reset:10240", o.toString());
    }

    @Test
    void shouldReadNumbersAsCStrtoulDoes() throws Exception {
        assertEquals(134217728L, DfuseOptions.parse("134217728").address());
        assertEquals(8L, DfuseOptions.parse("010").address());
        assertEquals(0L, DfuseOptions.parse("0").address());
        assertEquals(4096L, DfuseOptions.parse("0x08000000:4096").length());
    }

    @Test
    void shouldAllowAnEmptyAddress() throws Exception {
        DfuseOptions o = DfuseOptions.parse(":leave");

        assertFalse(o.hasAddress());
        assertTrue(o.leave());
    }

    @Test
    void shouldRefuseAnAddressThatIsNotANumberWithDfuUtilsMessage() {
        DfuInputException e = assertThrows(DfuInputException.class, () -> DfuseOptions.parse("0x0800zz00:leave"));
        assertEquals("Invalid dfuse address: 0x0800zz00:leave", e.getMessage());
    }

    @Test
    void shouldRefuseUnknownOrAbbreviatedModifiers() {
        DfuInputException e = assertThrows(DfuInputException.class, () -> DfuseOptions.parse("0x08000000:l"));
        assertEquals("Invalid dfuse modifier: l", e.getMessage());
        assertThrows(DfuInputException.class, () -> DfuseOptions.parse("0x08000000:fast"));
    }

    @Test
    void shouldRefuseAddressesBeyond32Bits() {
        assertThrows(DfuInputException.class, () -> DfuseOptions.parse("0x100000000"));
    }
}
