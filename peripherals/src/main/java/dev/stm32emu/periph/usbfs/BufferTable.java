package dev.stm32emu.periph.usbfs;

import java.util.function.IntSupplier;

/**
 * The buffer descriptor table in packet memory (RM0008 §23.5.4; facts-usb.md §4.3). The
 * entry of endpoint register n sits at USB offset BTABLE + 8n: ADDRn_TX (+0), COUNTn_TX
 * (+2), ADDRn_RX (+4), COUNTn_RX (+6).
 */
final class BufferTable {
    private final PacketMemory pma;
    private final IntSupplier btable;

    BufferTable(PacketMemory pma, IntSupplier btable) {
        this.pma = pma;
        this.btable = btable;
    }

    /** ADDRn_TX: where IN data is taken from (bit 0 reads 0). */
    int txAddress(int n) {
        return pma.halfWord(entry(n)) & 0xFFFE;
    }

    /** COUNTn_TX bits 9:0: how many bytes an IN transaction sends. */
    int txCount(int n) {
        return pma.halfWord(entry(n) + 2) & 0x3FF;
    }

    /** ADDRn_RX: where OUT and SETUP data go (bit 0 reads 0). */
    int rxAddress(int n) {
        return pma.halfWord(entry(n) + 4) & 0xFFFE;
    }

    /** COUNTn_RX bits 9:0: the size of the last received packet. */
    int rxCount(int n) {
        return pma.halfWord(entry(n) + 6) & 0x3FF;
    }

    /**
     * The RX buffer size COUNTn_RX allocates: BL_SIZE = 0 gives 2 x NUM_BLOCK bytes (0 to
     * 62), BL_SIZE = 1 gives 32 x (NUM_BLOCK + 1) bytes (32 to 1024) (RM0008 §23.5.4,
     * COUNTn_RX; facts-usb.md §4.3).
     */
    int rxBufferSize(int n) {
        return decodeRxBufferSize(pma.halfWord(entry(n) + 6));
    }

    /** Hardware writes the received byte count, keeping BL_SIZE and NUM_BLOCK. */
    void setRxCount(int n, int count) {
        int o = entry(n) + 6;
        pma.setHalfWord(o, (pma.halfWord(o) & 0xFC00) | (count & 0x3FF));
    }

    /** The allocation encoded in a COUNTn_RX value. */
    static int decodeRxBufferSize(int countRx) {
        int blocks = (countRx >>> 10) & 0x1F;
        return (countRx & 0x8000) != 0 ? 32 * (blocks + 1) : 2 * blocks;
    }

    private int entry(int n) {
        return (btable.getAsInt() & 0xFFF8) + 8 * n;
    }
}
