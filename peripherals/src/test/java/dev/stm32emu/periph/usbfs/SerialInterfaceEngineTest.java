package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.usb.DataPid;
import dev.stm32emu.core.usb.Handshake;
import dev.stm32emu.core.usb.InResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.stm32emu.periph.usbfs.FirmwareRegs.CTR_RX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.CTR_TX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.DTOG_RX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.DTOG_TX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.SETUP;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.STAT_RX;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.STAT_TX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How SETUP, OUT and IN tokens are answered (RM0008 §23.4.2-§23.4.3; facts-usb.md §4.4). */
class SerialInterfaceEngineTest {
    private static final byte[] GET_DEVICE = {(byte) 0x80, 6, 0, 1, 0, 0, 64, 0};
    private static final int NAK = 2;
    private static final int VALID = 3;
    private static final int STALL = 1;

    private final UsbFsBench bench = new UsbFsBench();
    private final FirmwareRegs fw = bench.fw;

    @BeforeEach
    void setUp() {
        bench.ready();
    }

    @Test
    void shouldAcceptSetupUnderNakAndStallAndSetBothTogglesAndNaks() {
        fw.setStatRx(0, NAK);
        fw.setStatTx(0, STALL);
        assertEquals(Handshake.ACK, bench.usb.setup(0, GET_DEVICE));
        int v = fw.epr(0);
        assertEquals(CTR_RX | SETUP | DTOG_RX | DTOG_TX | NAK << 12 | NAK << 4, v & ~(FirmwareRegs.PLAIN));
        assertArrayEquals(GET_DEVICE, fw.pmaReadBytes(0x80, 8));
        assertEquals(8, fw.rxCount(0));
        assertEquals(FirmwareRegs.rxBlocks(64), fw.countRx(0) & 0xFC00, "BL_SIZE and NUM_BLOCK kept");
    }

    @Test
    void shouldDropSetupWhileCtrRxIsSetAndTakeItOnceCleared() {
        assertEquals(Handshake.ACK, bench.usb.setup(0, GET_DEVICE));
        byte[] second = {0, 5, 7, 0, 0, 0, 0, 0};
        assertEquals(Handshake.NO_RESPONSE, bench.usb.setup(0, second));
        assertArrayEquals(GET_DEVICE, fw.pmaReadBytes(0x80, 8), "the dropped SETUP is not stored");
        fw.clearCtrRx(0);
        assertEquals(Handshake.ACK, bench.usb.setup(0, second));
        assertArrayEquals(second, fw.pmaReadBytes(0x80, 8));
    }

    @Test
    void shouldNotAnswerSetupOnADisabledOrNonControlEndpoint() {
        fw.setStatRx(0, 0);
        assertEquals(Handshake.NO_RESPONSE, bench.usb.setup(0, GET_DEVICE));
        fw.configure(0, FirmwareRegs.TYPE_BULK, false, 0);
        fw.setStatRx(0, VALID);
        assertEquals(Handshake.NO_RESPONSE, bench.usb.setup(0, GET_DEVICE));
        assertFalse(bench.usb.isReady());
    }

    @Test
    void shouldKeepTheSetupBitFrozenWhileCtrRxIsSet() {
        assertEquals(Handshake.ACK, bench.usb.setup(0, GET_DEVICE));
        fw.setStatRx(0, VALID);
        assertEquals(Handshake.ACK, bench.usb.out(0, DataPid.DATA1, new byte[0]));
        assertEquals(SETUP, fw.epr(0) & SETUP);
        fw.clearCtrRx(0);
        fw.setStatRx(0, VALID);
        assertEquals(Handshake.ACK, bench.usb.out(0, DataPid.DATA0, new byte[0]));
        assertEquals(0, fw.epr(0) & SETUP, "an OUT clears it once CTR_RX was cleared");
    }

    @Test
    void shouldNakEveryTransactionAfterOneCompletes() {
        assertEquals(Handshake.ACK, bench.usb.out(0, DataPid.DATA0, new byte[]{1, 2, 3}));
        assertEquals(NAK, (fw.epr(0) & STAT_RX) >>> 12);
        assertEquals(DTOG_RX, fw.epr(0) & DTOG_RX);
        assertEquals(CTR_RX, fw.epr(0) & CTR_RX);
        assertEquals(3, fw.rxCount(0));
        assertEquals(Handshake.NAK, bench.usb.out(0, DataPid.DATA1, new byte[]{4}));

        fw.pmaWriteBytes(0x40, new byte[]{9, 8, 7, 6, 5});
        fw.setTxCount(0, 5);
        fw.setStatTx(0, VALID);
        InResponse r = bench.usb.in(0);
        assertEquals(Handshake.ACK, r.handshake());
        assertEquals(DataPid.DATA0, r.pid());
        assertArrayEquals(new byte[]{9, 8, 7, 6, 5}, r.data());
        assertEquals(NAK, (fw.epr(0) & STAT_TX) >>> 4);
        assertEquals(DTOG_TX, fw.epr(0) & DTOG_TX);
        assertEquals(CTR_TX, fw.epr(0) & CTR_TX);
        assertEquals(Handshake.NAK, bench.usb.in(0).handshake());
        fw.setStatTx(0, VALID);
        assertEquals(DataPid.DATA1, bench.usb.in(0).pid());
    }

    @Test
    void shouldAckAndDropAnOutWhoseToggleDoesNotMatch() {
        assertEquals(Handshake.ACK, bench.usb.out(0, DataPid.DATA1, new byte[]{1, 2}));
        assertEquals(0, fw.epr(0) & (CTR_RX | DTOG_RX));
        assertEquals(VALID, (fw.epr(0) & STAT_RX) >>> 12, "still armed for the expected packet");
        assertEquals(0, fw.rxCount(0));
    }

    @Test
    void shouldAnswerStallAndNoResponseFromTheStatusBits() {
        fw.setStatRx(0, STALL);
        fw.setStatTx(0, STALL);
        assertEquals(Handshake.STALL, bench.usb.out(0, DataPid.DATA0, new byte[0]));
        assertEquals(Handshake.STALL, bench.usb.in(0).handshake());
        assertEquals(0, fw.epr(0) & (CTR_RX | CTR_TX), "a STALL completes nothing");
        fw.setStatTx(0, 0);
        assertEquals(Handshake.NO_RESPONSE, bench.usb.in(0).handshake());
        assertEquals(Handshake.NO_RESPONSE, bench.usb.in(3).handshake(), "no register with EA = 3");
    }

    @Test
    void shouldDecodeRxBufferSizesForBothBlockSizes() {
        for (int blocks = 0; blocks < 32; blocks++) {
            assertEquals(2 * blocks, BufferTable.decodeRxBufferSize(blocks << 10));
            assertEquals(32 * (blocks + 1), BufferTable.decodeRxBufferSize(0x8000 | blocks << 10));
        }
        assertEquals(0, BufferTable.decodeRxBufferSize(0x03FF), "COUNT bits do not matter");
        assertEquals(64, BufferTable.decodeRxBufferSize(0x8000 | 1 << 10 | 0x3FF));
    }

    @Test
    void shouldRejectAnOutLargerThanTheRxBufferAndTakeOneThatFitsExactly() {
        fw.pmaWrite16(6, 5 << 10); // BL_SIZE 0, NUM_BLOCK 5: 10 bytes
        assertEquals(Handshake.NO_RESPONSE, bench.usb.out(0, DataPid.DATA0, new byte[11]));
        assertEquals(0, fw.epr(0) & CTR_RX);
        assertEquals(Handshake.ACK, bench.usb.out(0, DataPid.DATA0, new byte[10]));
        assertEquals((5 << 10) | 10, fw.countRx(0));

        fw.pmaWrite16(6, 0x8000 | 1 << 10); // BL_SIZE 1, NUM_BLOCK 1: 64 bytes
        fw.setStatRx(0, VALID);
        assertEquals(Handshake.NO_RESPONSE, bench.usb.out(0, DataPid.DATA1, new byte[65]));
        assertEquals(Handshake.ACK, bench.usb.out(0, DataPid.DATA1, new byte[64]));
        assertEquals(0x8000 | 1 << 10 | 64, fw.countRx(0));
    }

    @Test
    void shouldStallADataOutOnAControlEndpointExpectingStatusOut() {
        fw.configure(0, FirmwareRegs.TYPE_CONTROL, true, 0);
        assertEquals(Handshake.STALL, bench.usb.out(0, DataPid.DATA0, new byte[1]));
        assertEquals(Handshake.ACK, bench.usb.out(0, DataPid.DATA0, new byte[0]));
    }

    @Test
    void shouldFindEndpointsByTheirAddressFieldNotTheirRegisterIndex() {
        fw.descriptor(0, 2, 0x100, 2, 0x140, FirmwareRegs.rxBlocks(64));
        fw.configure(2, FirmwareRegs.TYPE_INTERRUPT, false, 5);
        fw.pmaWriteBytes(0x100, new byte[]{0x55, 0x66});
        fw.setStatTx(2, VALID);
        InResponse r = bench.usb.in(5);
        assertEquals(Handshake.ACK, r.handshake());
        assertArrayEquals(new byte[]{0x55, 0x66}, r.data());
        assertEquals(Handshake.NO_RESPONSE, bench.usb.in(2).handshake());
        assertEquals(CTR_TX, fw.epr(2) & CTR_TX);
        assertEquals(2, fw.read(FirmwareRegs.ISTR) & 0xF);
    }

    @Test
    void shouldServeTheInAndOutHalvesOfOneNumberFromDifferentRegisters() {
        fw.descriptor(0, 1, 0x100, 1, 0x140, FirmwareRegs.rxBlocks(64));
        fw.descriptor(0, 2, 0x180, 1, 0x1C0, FirmwareRegs.rxBlocks(64));
        fw.configure(1, FirmwareRegs.TYPE_BULK, false, 1);
        fw.configure(2, FirmwareRegs.TYPE_INTERRUPT, false, 1);
        fw.setStatRx(1, VALID);
        fw.setStatTx(2, VALID);
        assertEquals(Handshake.ACK, bench.usb.out(1, DataPid.DATA0, new byte[]{1}));
        assertEquals(Handshake.ACK, bench.usb.in(1).handshake());
        assertEquals(CTR_RX, fw.epr(1) & (CTR_RX | CTR_TX));
        assertEquals(CTR_TX, fw.epr(2) & (CTR_RX | CTR_TX));
    }

    @Test
    void shouldNotAnswerAnythingWithoutTheEnableFunctionBit() {
        fw.write(FirmwareRegs.DADDR, 0x05);
        assertEquals(Handshake.NO_RESPONSE, bench.usb.setup(0, GET_DEVICE));
        assertEquals(Handshake.NO_RESPONSE, bench.usb.out(0, DataPid.DATA0, new byte[0]));
        assertEquals(Handshake.NO_RESPONSE, bench.usb.in(0).handshake());
        assertFalse(bench.usb.isReady());
        fw.write(FirmwareRegs.DADDR, 0x85);
        assertTrue(bench.usb.isReady());
        assertEquals(Handshake.ACK, bench.usb.setup(0, GET_DEVICE), "any address: the port has none");
    }

    @Test
    void shouldNotAnswerOnDoubleBufferedOrIsochronousEndpoints() {
        fw.descriptor(0, 1, 0x100, 1, 0x140, FirmwareRegs.rxBlocks(64));
        fw.configure(1, FirmwareRegs.TYPE_BULK, true, 1);
        fw.setStatRx(1, VALID);
        assertEquals(Handshake.NO_RESPONSE, bench.usb.out(1, DataPid.DATA0, new byte[1]));
        fw.configure(1, FirmwareRegs.TYPE_ISO, false, 1);
        fw.setStatTx(1, VALID);
        assertEquals(Handshake.NO_RESPONSE, bench.usb.in(1).handshake());
    }
}
