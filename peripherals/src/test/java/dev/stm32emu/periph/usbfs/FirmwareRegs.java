package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.bus.MmioDevice;

/**
 * Register-level access to the USB peripheral exactly as firmware does it: MMIO reads and
 * writes of the register block and the packet memory window, with the read-modify-write
 * idioms of libopencm3 and TinyUSB (facts-usb.md §4.2) for the toggle and rc_w0 bits.
 */
final class FirmwareRegs {
    static final int CNTR = 0x40;
    static final int ISTR = 0x44;
    static final int FNR = 0x48;
    static final int DADDR = 0x4C;
    static final int BTABLE = 0x50;

    static final int CTR_RX = 0x8000;
    static final int DTOG_RX = 0x4000;
    static final int STAT_RX = 0x3000;
    static final int SETUP = 0x0800;
    static final int EP_TYPE = 0x0600;
    static final int EP_KIND = 0x0100;
    static final int CTR_TX = 0x0080;
    static final int DTOG_TX = 0x0040;
    static final int STAT_TX = 0x0030;
    static final int EA = 0x000F;
    /** The bits a plain write sets as written (TinyUSB's U_EPREG_MASK without the CTRs). */
    static final int PLAIN = EP_TYPE | EP_KIND | EA;

    static final int TYPE_BULK = 0x0000;
    static final int TYPE_CONTROL = 0x0200;
    static final int TYPE_ISO = 0x0400;
    static final int TYPE_INTERRUPT = 0x0600;

    static final int CTRM = 1 << 15;
    static final int RESETM = 1 << 10;
    static final int SOFM = 1 << 9;
    static final int WKUPM = 1 << 12;
    static final int FRES = 1;
    static final int PDWN = 2;
    static final int FSUSP = 8;

    static final int ISTR_CTR = 1 << 15;
    static final int ISTR_WKUP = 1 << 12;
    static final int ISTR_RESET = 1 << 10;
    static final int ISTR_SOF = 1 << 9;
    static final int ISTR_DIR = 1 << 4;

    private final MmioDevice regs;
    private final MmioDevice pma;

    FirmwareRegs(MmioDevice regs, MmioDevice pma) {
        this.regs = regs;
        this.pma = pma;
    }

    int read(int offset) {
        return regs.read(offset, 4);
    }

    void write(int offset, int value) {
        regs.write(offset, 4, value);
    }

    /** A 16-bit store, as TinyUSB does on the F1 (fsdev_bus_t = uint16_t). */
    void write16(int offset, int value) {
        regs.write(offset, 2, value);
    }

    int epr(int n) {
        return read(4 * n) & 0xFFFF;
    }

    void writeEpr(int n, int value) {
        write16(4 * n, value);
    }

    /** Sets STAT_RX to {@code stat} (0-3) keeping everything else: writes CTRs as 1, toggles the difference. */
    void setStatRx(int n, int stat) {
        int v = epr(n);
        writeEpr(n, (v & PLAIN) | CTR_RX | CTR_TX | ((v ^ (stat << 12)) & STAT_RX));
    }

    void setStatTx(int n, int stat) {
        int v = epr(n);
        writeEpr(n, (v & PLAIN) | CTR_RX | CTR_TX | ((v ^ (stat << 4)) & STAT_TX));
    }

    void clearCtrRx(int n) {
        writeEpr(n, (epr(n) & PLAIN) | CTR_TX);
    }

    void clearCtrTx(int n) {
        writeEpr(n, (epr(n) & PLAIN) | CTR_RX);
    }

    /** Sets DTOG_RX to 0 (toggles it if it is 1). */
    void clearDtogRx(int n) {
        int v = epr(n);
        writeEpr(n, (v & PLAIN) | CTR_RX | CTR_TX | (v & DTOG_RX));
    }

    void clearDtogTx(int n) {
        int v = epr(n);
        writeEpr(n, (v & PLAIN) | CTR_RX | CTR_TX | (v & DTOG_TX));
    }

    /** Sets EP_TYPE, EP_KIND and EA, keeping the toggles and the CTRs. */
    void configure(int n, int type, boolean kind, int ea) {
        writeEpr(n, CTR_RX | CTR_TX | type | (kind ? EP_KIND : 0) | (ea & EA));
    }

    /** Clears ISTR flags the TinyUSB way: ISTR = ~bits. */
    void clearIstr(int bits) {
        write16(ISTR, ~bits & 0xFFFF);
    }

    // ---- packet memory (USB byte offsets; CPU address = 2 x offset) ------------------

    void pmaWrite16(int usbOffset, int value) {
        pma.write(2 * usbOffset, 2, value & 0xFFFF);
    }

    int pmaRead16(int usbOffset) {
        return pma.read(2 * usbOffset, 2);
    }

    /** Copies bytes into the PMA with 32-bit stores of half-words, as libopencm3's copy_to_pm does. */
    void pmaWriteBytes(int usbOffset, byte[] data) {
        for (int i = 0; i < data.length; i += 2) {
            int lo = data[i] & 0xFF;
            int hi = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
            pma.write(2 * (usbOffset + i), 4, lo | hi << 8);
        }
    }

    byte[] pmaReadBytes(int usbOffset, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i += 2) {
            int hw = pmaRead16(usbOffset + i);
            out[i] = (byte) hw;
            if (i + 1 < length) {
                out[i + 1] = (byte) (hw >>> 8);
            }
        }
        return out;
    }

    /** Writes buffer descriptor entry n of a table at {@code btable}. */
    void descriptor(int btable, int n, int addrTx, int countTx, int addrRx, int countRx) {
        pmaWrite16(btable + 8 * n, addrTx);
        pmaWrite16(btable + 8 * n + 2, countTx);
        pmaWrite16(btable + 8 * n + 4, addrRx);
        pmaWrite16(btable + 8 * n + 6, countRx);
    }

    int btable() {
        return read(BTABLE) & 0xFFF8;
    }

    void setTxCount(int n, int count) {
        pmaWrite16(btable() + 8 * n + 2, count);
    }

    int txAddress(int n) {
        return pmaRead16(btable() + 8 * n);
    }

    int rxAddress(int n) {
        return pmaRead16(btable() + 8 * n + 4);
    }

    int countRx(int n) {
        return pmaRead16(btable() + 8 * n + 6);
    }

    int rxCount(int n) {
        return countRx(n) & 0x3FF;
    }

    /** COUNTn_RX for a buffer of {@code size} bytes, encoded as libopencm3 does. */
    static int rxBlocks(int size) {
        if (size > 62) {
            return 0x8000 | (((size - 1) >> 5) & 0x1F) << 10;
        }
        return ((size + 1) >> 1) << 10;
    }
}
