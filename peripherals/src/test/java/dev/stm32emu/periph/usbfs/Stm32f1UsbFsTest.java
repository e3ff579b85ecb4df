package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.usb.DataPid;
import dev.stm32emu.core.usb.Handshake;
import dev.stm32emu.core.usb.UsbHostPort;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.stm32emu.periph.usbfs.FirmwareRegs.CNTR;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.CTRM;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.CTR_RX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.CTR_TX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.DADDR;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.FNR;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR_CTR;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR_DIR;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR_RESET;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR_SOF;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR_WKUP;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.RESETM;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.SOFM;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.WKUPM;
import static dev.stm32emu.periph.usbfs.UsbFsBench.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registers, packet memory, interrupts, reset, attach and frames of the F1 USB device. */
class Stm32f1UsbFsTest {
    private final UsbFsBench bench = new UsbFsBench();
    private final FirmwareRegs fw = bench.fw;
    private final PacketMemory pma = bench.usb.packetMemory();

    @Test
    void shouldResetCntrToForceResetAndPowerDownAndEverythingElseToZero() {
        assertEquals(0x0003, fw.read(CNTR));
        assertEquals(0, fw.read(ISTR));
        assertEquals(0, fw.read(DADDR));
        assertEquals(0, fw.read(FirmwareRegs.BTABLE));
        for (int n = 0; n < 8; n++) {
            assertEquals(0, fw.epr(n));
        }
    }

    @Test
    void shouldMapUsbHalfWordsToTheLowHalfOfEveryCpuWord() {
        pma.write(0x04, 4, 0xDEAD_BEEF);
        assertEquals(0xBEEF, pma.halfWord(2), "USB offset 2 = CPU word at 4");
        assertEquals(0xBEEF, pma.read(0x04, 4), "the upper half does not exist");
        assertEquals(0xBEEF, pma.read(0x04, 2));
        assertEquals(0, pma.read(0x06, 2));
        assertEquals(0xEF, pma.read(0x04, 1));
        assertEquals(0xBE, pma.read(0x05, 1));
        assertEquals(0, pma.read(0x06, 1));
        pma.write(0x06, 2, 0x1234);
        assertEquals(0xBEEF, pma.halfWord(2), "stores to the upper half are ignored");
        pma.write(0x05, 1, 0x77);
        assertEquals(0x77EF, pma.halfWord(2), "a byte store writes its own byte");
        pma.write(0x3FC, 2, 0xA55A);
        assertEquals(0xA55A, pma.halfWord(510), "the 1 KiB window covers all 512 bytes");
        pma.setHalfWord(8, 0x0102);
        assertEquals(0x0102, pma.read(0x10, 4));
        assertEquals(0x0102, fw.pmaRead16(8));
    }

    @Test
    void shouldReportCtrWithLowestIndexFirstAndDirFromCtrRx() {
        bench.usb.endpointRegister(3).register.setValue(CTR_TX);
        bench.usb.endpointRegister(5).register.setValue(CTR_RX);
        assertEquals(ISTR_CTR | 3, fw.read(ISTR));
        bench.usb.endpointRegister(3).register.setValue(CTR_TX | CTR_RX);
        assertEquals(ISTR_CTR | ISTR_DIR | 3, fw.read(ISTR), "DIR = 1 when CTR_RX is set, with or without CTR_TX");
        fw.writeEpr(3, 0);
        assertEquals(ISTR_CTR | ISTR_DIR | 5, fw.read(ISTR));
        fw.clearCtrRx(5);
        assertEquals(0, fw.read(ISTR));
    }

    @Test
    void shouldReportIsochronousAndDoubleBufferedCtrBeforeLowerIndices() {
        bench.usb.endpointRegister(1).register.setValue(CTR_RX);
        bench.usb.endpointRegister(6).register.setValue(CTR_TX | FirmwareRegs.TYPE_BULK | FirmwareRegs.EP_KIND);
        assertEquals(ISTR_CTR | 6, fw.read(ISTR));
        bench.usb.endpointRegister(6).register.setValue(CTR_TX | FirmwareRegs.TYPE_ISO);
        assertEquals(ISTR_CTR | 6, fw.read(ISTR));
    }

    @Test
    void shouldClearOnlyTheIstrFlagsWrittenAsZero() {
        bench.powerUp();
        bench.usb.busReset();
        bench.advance(MS);
        assertEquals(ISTR_RESET | ISTR_SOF, fw.read(ISTR));
        fw.clearIstr(ISTR_SOF);
        assertEquals(ISTR_RESET, fw.read(ISTR));
        fw.write(ISTR, 0xFFFF);
        assertEquals(ISTR_RESET, fw.read(ISTR), "writing 1 keeps");
        fw.write(ISTR, 0);
        assertEquals(0, fw.read(ISTR));
    }

    @Test
    void shouldDriveTheLowPriorityLineFromFlagsAndMasks() {
        bench.powerUp();
        bench.usb.busReset();
        assertFalse(bench.lp.level, "RESET is masked");
        fw.write(CNTR, RESETM);
        assertTrue(bench.lp.level);
        fw.clearIstr(ISTR_RESET);
        assertFalse(bench.lp.level);
        bench.openEndpoint0();
        bench.usb.setup(0, new byte[8]);
        assertFalse(bench.lp.level, "CTR is masked");
        fw.write(CNTR, RESETM | CTRM);
        assertTrue(bench.lp.level);
        assertFalse(bench.hp.level, "control endpoints use the low-priority line");
        fw.clearCtrRx(0);
        assertFalse(bench.lp.level);
        bench.advance(MS);
        assertFalse(bench.lp.level, "SOF is masked");
        fw.write(CNTR, SOFM);
        assertTrue(bench.lp.level);
        fw.write(CNTR, 0);
        assertFalse(bench.lp.level);
    }

    @Test
    void shouldDriveTheHighPriorityLineOnlyForDoubleBufferedAndIsochronousCtr() {
        bench.ready();
        bench.usb.endpointRegister(2).register.setValue(CTR_RX | FirmwareRegs.TYPE_BULK | FirmwareRegs.EP_KIND);
        fw.write(CNTR, CTRM);
        assertTrue(bench.hp.level);
        assertTrue(bench.lp.level);
        fw.clearCtrRx(2);
        assertFalse(bench.hp.level);
        assertFalse(bench.lp.level);
    }

    @Test
    void shouldClearEndpointsExceptCtrAndTheAddressOnABusReset() {
        bench.ready();
        fw.write(DADDR, 0x80 | 0x2A);
        bench.usb.setup(0, new byte[8]);
        fw.configure(1, FirmwareRegs.TYPE_INTERRUPT, false, 1);
        fw.setStatTx(1, 3);
        bench.usb.busReset();
        assertEquals(CTR_RX, fw.epr(0), "CTR_RX survives, SETUP, toggles, status and type do not");
        assertEquals(0, fw.epr(1));
        assertEquals(0, fw.read(DADDR));
        assertEquals(ISTR_RESET, fw.read(ISTR) & ISTR_RESET);
        assertFalse(bench.usb.isReady());
    }

    @Test
    void shouldBecomeReadyOnlyAfterResetIsAcknowledgedAndEndpointZeroAndTheFunctionAreEnabled() {
        bench.powerUp();
        bench.usb.busReset();
        assertFalse(bench.usb.isReady());
        fw.clearIstr(ISTR_RESET);
        assertFalse(bench.usb.isReady());
        fw.write(FirmwareRegs.BTABLE, 0);
        fw.descriptor(0, 0, 0x40, 0, 0x80, FirmwareRegs.rxBlocks(64));
        fw.configure(0, FirmwareRegs.TYPE_CONTROL, false, 0);
        fw.setStatRx(0, 3);
        assertFalse(bench.usb.isReady(), "EF still 0");
        fw.write(DADDR, 0x80);
        assertTrue(bench.usb.isReady());
    }

    @Test
    void shouldActLikeABusResetWhileFresIsSet() {
        bench.ready();
        fw.write(CNTR, FirmwareRegs.FRES);
        assertEquals(ISTR_RESET, fw.read(ISTR) & ISTR_RESET);
        assertEquals(0, fw.epr(0));
        assertEquals(0, fw.read(DADDR));
        assertFalse(bench.usb.isAttached(), "held in reset");
        fw.write(CNTR, 0);
        assertTrue(bench.usb.isAttached());
    }

    @Test
    void shouldAttachWhenPulledUpPoweredAndOutOfResetAndTellListenersOfEachChange() {
        List<Boolean> seen = new ArrayList<>();
        bench.usb.addAttachListener(seen::add);
        bench.usb.setPullUp(true);
        assertFalse(bench.usb.isAttached(), "CNTR resets to FRES | PDWN");
        fw.write(CNTR, FirmwareRegs.FRES);
        assertFalse(bench.usb.isAttached());
        fw.write(CNTR, 0);
        assertTrue(bench.usb.isAttached());
        fw.write(CNTR, RESETM);
        bench.usb.setPullUp(true);
        bench.usb.setPullUp(false);
        assertFalse(bench.usb.isAttached());
        bench.usb.setPullUp(true);
        fw.write(CNTR, FirmwareRegs.PDWN);
        assertEquals(List.of(true, false, true, false), seen);
        assertEquals(4, bench.published.stream().filter(e -> e instanceof MachineEvent.UsbEvent).count());
    }

    @Test
    void shouldDetachOnAChipReset() {
        bench.ready();
        List<Boolean> seen = new ArrayList<>();
        bench.usb.addAttachListener(seen::add);
        bench.usb.reset(ResetKind.SOFTWARE);
        assertEquals(List.of(false), seen);
        assertEquals(0x0003, fw.read(CNTR));
    }

    @Test
    void shouldLogAGuestErrorWhenTheUsbClockIsNot48MHzButStillWork() {
        bench.usb.setUsbClock(() -> 72_000_000L);
        bench.ready();
        assertTrue(bench.published.stream().anyMatch(e -> e instanceof MachineEvent.DeviceMessage m
                && m.category() == MachineEvent.DeviceMessage.Category.GUEST_ERROR && m.message().contains("48 MHz")));
        assertEquals(Handshake.ACK, bench.usb.setup(0, new byte[8]));
    }

    @Test
    void shouldStartFramesEveryMillisecondAfterTheFirstBusReset() {
        bench.powerUp();
        bench.advance(5 * MS);
        assertEquals(0, fw.read(FNR) & 0x7FF, "no frames before the host resets the port");
        assertEquals(0, fw.read(ISTR) & ISTR_SOF);
        bench.usb.busReset();
        fw.write(ISTR, 0);
        bench.advance(MS - 1);
        assertEquals(0, fw.read(ISTR) & ISTR_SOF);
        bench.advance(1);
        assertEquals(ISTR_SOF, fw.read(ISTR) & ISTR_SOF);
        assertEquals(1, bench.usb.frameNumber());
        bench.advance(9 * MS);
        assertEquals(10, fw.read(FNR) & 0x7FF);
        assertEquals(1 << 13 | 1 << 15, fw.read(FNR) & 0xF800, "LCK after two frames; RXDP (J state) while attached");
        bench.usb.setPullUp(false);
        bench.advance(5 * MS);
        assertEquals(10, bench.usb.frameNumber(), "frames stop when detached");
    }

    @Test
    void shouldWrapTheFrameNumberAtElevenBits() {
        bench.powerUp();
        bench.usb.busReset();
        bench.advance(2049 * MS);
        assertEquals(1, bench.usb.frameNumber());
    }

    @Test
    void shouldSignalWakeupOnBusActivityWhileSuspendIsForced() {
        bench.ready();
        fw.write(CNTR, WKUPM | FirmwareRegs.FSUSP);
        fw.write(ISTR, 0);
        bench.advance(MS);
        assertEquals(ISTR_WKUP, fw.read(ISTR) & ISTR_WKUP);
        assertEquals(1, bench.wakeup.rises);
        assertFalse(bench.wakeup.level, "a pulse for the EXTI18 edge detector");
        assertTrue(bench.lp.level);
    }

    @Test
    void shouldTellEndpointListenersOfRegisterWritesAndOnceOfAPacketMemoryBurst() {
        bench.ready();
        List<Integer> seen = new ArrayList<>();
        bench.usb.addEndpointListener(seen::add);
        fw.configure(2, FirmwareRegs.TYPE_BULK, false, 4);
        assertEquals(List.of(0, 4), seen, "the old and the new EA");
        seen.clear();
        fw.pmaWriteBytes(0x100, new byte[16]);
        assertEquals(List.of(UsbHostPort.ANY_ENDPOINT), seen);
        fw.setStatTx(2, 3);
        fw.pmaWrite16(0x100, 1);
        assertEquals(List.of(UsbHostPort.ANY_ENDPOINT, 4, UsbHostPort.ANY_ENDPOINT), seen);
        seen.clear();
        fw.write(DADDR, 0x81);
        fw.clearIstr(ISTR_SOF);
        fw.write(CNTR, RESETM);
        assertEquals(List.of(), seen, "nothing that could make a held transaction answerable");
        fw.write(DADDR, 0x01);
        fw.write(DADDR, 0x81);
        bench.usb.busReset();
        fw.clearIstr(ISTR_RESET);
        assertEquals(List.of(UsbHostPort.ANY_ENDPOINT, UsbHostPort.ANY_ENDPOINT, UsbHostPort.ANY_ENDPOINT), seen,
                "EF off, EF on, RESET acknowledged");
    }

    @Test
    void shouldNotAnswerWhileDetached() {
        bench.ready();
        bench.usb.setPullUp(false);
        assertEquals(Handshake.NO_RESPONSE, bench.usb.setup(0, new byte[8]));
        assertEquals(Handshake.NO_RESPONSE, bench.usb.out(0, DataPid.DATA0, new byte[0]));
        bench.usb.busReset();
        assertEquals(0, fw.read(ISTR) & ISTR_RESET, "a detached device sees no bus reset");
    }
}
