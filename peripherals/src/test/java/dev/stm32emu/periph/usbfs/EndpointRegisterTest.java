package dev.stm32emu.periph.usbfs;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.stm32emu.periph.usbfs.FirmwareRegs.CTR_RX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.CTR_TX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.DTOG_RX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.DTOG_TX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.PLAIN;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.SETUP;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.STAT_RX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.STAT_TX;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** EPnR write semantics (RM0008 §23.5.3; facts-usb.md §4.2), checked exhaustively. */
class EndpointRegisterTest {
    private static final int TOGGLES = DTOG_RX | STAT_RX | DTOG_TX | STAT_TX;
    private static final int CTRS = CTR_RX | CTR_TX;

    private final UsbFsBench bench = new UsbFsBench();
    private final FirmwareRegs fw = bench.fw;

    /** The rule from the manual: CTR = old &amp; W, DTOG/STAT = old ^ W, SETUP kept, the rest = W. */
    private static int expected(int old, int written) {
        return (old & written & CTRS) | ((old ^ written) & TOGGLES) | (old & SETUP) | (written & PLAIN);
    }

    @Test
    void shouldApplyTheWriteRuleToEveryWrittenValueFromSeveralStates() {
        int[] olds = {0x0000, 0xFFFF, 0x8080, 0x7F7F, 0xB3A5, 0x4C5A, 0x0800, 0x8812};
        for (int n : new int[]{0, 5}) {
            EndpointRegister e = registerOf(n);
            for (int old : olds) {
                for (int w = 0; w <= 0xFFFF; w++) {
                    e.register.setValue(old);
                    fw.writeEpr(n, w);
                    int got = fw.epr(n);
                    if (got != expected(old, w)) {
                        assertEquals(expected(old, w), got,
                                String.format("EP%dR old=%04x written=%04x", n, old, w));
                    }
                }
            }
        }
    }

    @Test
    void shouldApplyTheWriteRuleToThirtyTwoBitWritesWithGarbageInTheUpperHalf() {
        Random random = new Random(42);
        EndpointRegister e = registerOf(3);
        for (int i = 0; i < 20_000; i++) {
            int old = random.nextInt(0x10000);
            int w = random.nextInt();
            e.register.setValue(old);
            fw.write(12, w);
            assertEquals(expected(old, w & 0xFFFF), fw.read(12), String.format("old=%04x written=%08x", old, w));
        }
    }

    @Test
    void shouldToggleWhenOneIsWrittenAndKeepWhenZeroIsWritten() {
        EndpointRegister e = registerOf(1);
        e.register.setValue(DTOG_RX | 0x2000 | 0x0010);
        fw.writeEpr(1, DTOG_RX | DTOG_TX | 0x3000 | 0x0030);
        assertEquals(DTOG_TX | 0x1000 | 0x0020, fw.epr(1) & TOGGLES);
        fw.writeEpr(1, 0);
        assertEquals(DTOG_TX | 0x1000 | 0x0020, fw.epr(1) & TOGGLES);
    }

    @Test
    void shouldClearCtrWhenZeroIsWrittenAndKeepItWhenOneIsWritten() {
        EndpointRegister e = registerOf(2);
        e.register.setValue(CTRS);
        fw.writeEpr(2, CTRS);
        assertEquals(CTRS, fw.epr(2) & CTRS);
        fw.writeEpr(2, CTR_TX);
        assertEquals(CTR_TX, fw.epr(2) & CTRS);
        fw.writeEpr(2, CTR_RX);
        assertEquals(0, fw.epr(2) & CTRS);
        fw.writeEpr(2, CTRS);
        assertEquals(0, fw.epr(2) & CTRS, "writing 1 never sets a CTR");
    }

    @Test
    void shouldNeverLetFirmwareWriteTheSetupBit() {
        EndpointRegister e = registerOf(0);
        fw.writeEpr(0, SETUP);
        assertEquals(0, fw.epr(0) & SETUP);
        e.register.setValue(SETUP);
        fw.writeEpr(0, 0);
        assertEquals(SETUP, fw.epr(0) & SETUP);
    }

    @Test
    void shouldReachEveryStatusFromEveryStatusWithTheLibraryIdiom() {
        EndpointRegister e = registerOf(4);
        for (int from = 0; from < 4; from++) {
            for (int to = 0; to < 4; to++) {
                e.register.setValue(CTRS | DTOG_RX | DTOG_TX | from << 12 | from << 4 | 0x0203);
                fw.setStatRx(4, to);
                assertEquals(to, (fw.epr(4) & STAT_RX) >>> 12);
                assertEquals(from, (fw.epr(4) & STAT_TX) >>> 4, "STAT_TX untouched");
                assertEquals(CTRS | DTOG_RX | DTOG_TX | 0x0203, fw.epr(4) & (CTRS | DTOG_RX | DTOG_TX | PLAIN));
                fw.setStatTx(4, to);
                assertEquals(to, (fw.epr(4) & STAT_TX) >>> 4);
            }
        }
    }

    @Test
    void shouldReadTheUpperHalfAsZeroAndIgnoreWritesToIt() {
        registerOf(6).register.setValue(0x1234);
        assertEquals(0, bench.usb.read(6 * 4 + 2, 2));
        assertEquals(0x1234, bench.usb.read(6 * 4, 4));
    }

    /** The hardware side of EPnR, to put it in a state firmware could not write directly. */
    private EndpointRegister registerOf(int n) {
        return bench.usb.endpointRegister(n);
    }
}
