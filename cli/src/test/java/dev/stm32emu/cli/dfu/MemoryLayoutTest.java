package dev.stm32emu.cli.dfu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The layout strings are those of real ST ROM bootloaders (facts-usb §3.2, dfu-util device-logs). */
class MemoryLayoutTest {

    private static MemorySegment seg(long start, long end, long page, int type) {
        return new MemorySegment(start, end, page, type);
    }

    @Test
    void shouldReadTheStm32f4RomFlashLayoutAsThreeSectorSizes() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg");

        assertEquals("Internal Flash  ", l.name());
        assertEquals(List.of(
                seg(0x08000000L, 0x0800FFFFL, 16384, 7),
                seg(0x08010000L, 0x0801FFFFL, 65536, 7),
                seg(0x08020000L, 0x080FFFFFL, 131072, 7)), l.segments());
        assertEquals(List.of(), l.warnings());
    }

    @Test
    void shouldFindPagesOfTheF4SectorMapAsDfuUtilComputesThem() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg");

        assertEquals(0x08004000L, l.pageAddress(0x08005123L));
        assertEquals(0x08010000L, l.pageAddress(0x0801FFFFL));
        assertEquals(0x080E0000L, l.pageAddress(0x080FFFFFL));
        assertEquals(-1, l.pageAddress(0x08100000L));
        assertTrue(l.isWriteable(0x080FFFFFL));
        assertFalse(l.isWriteable(0x08100000L));
        assertNull(l.segmentAt(0x07FFFFFFL));
    }

    @Test
    void shouldTakeTheBlankInOptionBytesAsBytesWithDfuUtilsWarning() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@Option Bytes  /0x1FFFC000/01*016 g");

        assertEquals("Option Bytes  ", l.name());
        assertEquals(List.of(seg(0x1FFFC000L, 0x1FFFC00FL, 16, 7)), l.segments());
        assertEquals(List.of("Non-valid multiplier ' ', assuming bytes"), l.warnings());
    }

    @Test
    void shouldReadTheOtpLayoutAsTwoAdjacentSegments() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@OTP Memory /0x1FFF7800/01*512 g,01*016 g");

        assertEquals(List.of(seg(0x1FFF7800L, 0x1FFF79FFL, 512, 7), seg(0x1FFF7A00L, 0x1FFF7A0FL, 16, 7)),
                l.segments());
        assertEquals(2, l.warnings().size());
    }

    @Test
    void shouldForceDeviceFeatureToReadWriteWithoutErase() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@Device Feature/0xFFFF0000/01*004 g");

        MemorySegment s = l.segments().get(0);
        assertEquals(seg(0xFFFF0000L, 0xFFFF0003L, 4, 5), s);
        assertTrue(s.readable());
        assertTrue(s.writeable());
        assertFalse(s.erasable(), "'g' would be erasable; dfu-util forces 'e' for Device Feature");
    }

    @Test
    void shouldReadTheF107RomLayoutAs128PagesOf2K() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@Internal Flash  /0x08000000/128*002Kg");

        assertEquals(List.of(seg(0x08000000L, 0x0803FFFFL, 2048, 7)), l.segments());
        assertEquals(0x0803F800L, l.pageAddress(0x0803FFFFL));
    }

    @Test
    void shouldMapTypeLettersAToGOntoTheirLowThreeBits() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@T/0x0/1*1Ka,1*1Kb,1*1Kc,1*1Kd,1*1Ke,1*1Kf,1*1Kg");

        List<String> letters = l.segments().stream().map(MemorySegment::typeLetters).toList();
        assertEquals(List.of("r", "e", "re", "w", "rw", "ew", "rew"), letters);
        assertEquals(0x1800L, l.segments().get(6).start());
    }

    @Test
    void shouldStartANewBlockAtEachSlashAddress() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@Mixed/0x08000000/2*1Ka/0x20000000/1*4Mg");

        assertEquals(List.of(seg(0x08000000L, 0x080007FFL, 1024, 1), seg(0x20000000L, 0x203FFFFFL, 4 << 20, 7)),
                l.segments());
    }

    @Test
    void shouldTakeATypeLetterInMultiplierPositionAsTheTypeAndBytesAsTheUnit() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@Small/0x08000000/4*16g");

        assertEquals(List.of(seg(0x08000000L, 0x0800003FL, 16, 7)), l.segments());
        assertEquals(List.of("Non-valid multiplier 'g', interpreted as type identifier instead"), l.warnings());
    }

    @Test
    void shouldSkipTheRestOfTheStringAfterABadTypeIdentifierAsDfuUtilDoes() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@F/0x08000000/1*1Kg,1*1Kgg,1*1Kg");

        assertEquals(1, l.segments().size());
        assertEquals(List.of("Parsing type identifier 'gg' failed for segment 2",
                "ignored text at offset 26: \",1*1Kg\""), l.warnings());
    }

    @Test
    void shouldRefuseAStringWithoutTheAtSign() {
        DfuInputException e = assertThrows(DfuInputException.class,
                () -> MemoryLayout.parse("Internal Flash/0x08000000/16*1Kg"));
        assertTrue(e.getMessage().contains("must start with '@'"), e.getMessage());
    }

    @Test
    void shouldRefuseAStringWithANameButNoSegment() {
        for (String bad : List.of("@Flash", "@Flash/08000000/16*1Kg", "@Flash/0x08000000/abc",
                "@Flash/0x08000000/16*1K")) {
            DfuInputException e = assertThrows(DfuInputException.class, () -> MemoryLayout.parse(bad), bad);
            assertTrue(e.getMessage().contains("no memory segment"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseAnAddressNotFollowedBySlash() {
        DfuInputException e = assertThrows(DfuInputException.class,
                () -> MemoryLayout.parse("@Flash/0x0800000G/16*1Kg"));
        assertTrue(e.getMessage().contains("expected '/' after address 0x00800000"), e.getMessage());
    }

    @Test
    void shouldRefuseASegmentRunningPastTheTopOfTheAddressSpace() {
        DfuInputException e = assertThrows(DfuInputException.class,
                () -> MemoryLayout.parse("@Top/0xFFFFFC00/2*1Kg"));
        assertTrue(e.getMessage().contains("runs past 0xffffffff"), e.getMessage());
    }

    @Test
    void shouldRefuseAZeroSizedSegment() {
        assertThrows(DfuInputException.class, () -> MemoryLayout.parse("@Z/0x08000000/0*1Kg"));
    }

    @Test
    void shouldNameTheLayoutAndItsSegmentsInDescriptions() throws Exception {
        MemoryLayout l = MemoryLayout.parse("@Internal Flash  /0x08000000/8*1Ka,56*1Kg");

        assertEquals("\"@Internal Flash  /0x08000000/8*1Ka,56*1Kg\" (0x08000000-0x08001fff 1024-byte pages r, "
                + "0x08002000-0x0800ffff 1024-byte pages rew)", l.describe());
    }
}
