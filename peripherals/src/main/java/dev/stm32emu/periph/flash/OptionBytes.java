package dev.stm32emu.periph.flash;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The option-byte block at 0x1FFFF800: eight half-words, each a byte and its complement
 * (RDP, USER, Data0, Data1, WRP0-WRP3; PM0075 "Option byte description"; facts-stm32f1.md §4.6),
 * and what the FPEC loaded from it at the last reset (FLASH_OBR, FLASH_WRPR).
 *
 * <p>Loading: a byte whose complement does not match sets OBR.OPTERR and reads as 0xFF
 * (RM0008 FLASH_OBR description). An erased pair (0xFFFF) is taken as 0xFF without
 * OPTERR: HAL erases the block and reprograms only RDP (FLASH_OB_RDP_LevelConfig), then
 * checks OPTERR on every later program, which works on silicon (assumption; unverified).
 * RDP other than 0xA5 means read protection (OBR.RDPRT), and an erased RDP is one.
 */
final class OptionBytes {
    static final int SIZE = 16;
    static final int RDP_UNPROTECTED = 0xA5;
    /** One WRP bit covers 4 KiB: 4 pages of 1 KiB (medium density) or 2 of 2 KiB (high density). */
    private static final int WRP_GRANULE = 4096;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final MemorySegment memory;
    private int obr;
    private int wrpr;

    OptionBytes(MemorySegment memory) {
        if (memory.byteSize() != SIZE) {
            throw new IllegalArgumentException("the option-byte block is 16 bytes, not " + memory.byteSize());
        }
        this.memory = memory;
        load();
    }

    /** ST's factory values: RDP 0xA5 (no protection), every other byte 0xFF, with complements. */
    static void writeFactoryDefaults(MemorySegment memory) {
        for (int i = 0; i < SIZE / 2; i++) {
            memory.set(HALF, 2L * i, (short) complemented(i == 0 ? RDP_UNPROTECTED : 0xFF));
        }
    }

    /** The half-word the hardware stores for a programmed byte: the value and its complement. */
    static int complemented(int value) {
        return (value & 0xFF) | (~value & 0xFF) << 8;
    }

    /** Reloads OBR and WRPR from the block (at every reset; there is no OBL_LAUNCH on F1). */
    void load() {
        boolean error = false;
        int[] bytes = new int[SIZE / 2];
        for (int i = 0; i < bytes.length; i++) {
            int pair = halfWord(i);
            boolean matches = ((pair ^ (pair >>> 8)) & 0xFF) == 0xFF;
            error |= pair != 0xFFFF && !matches;
            bytes[i] = pair == 0xFFFF || !matches ? 0xFF : pair & 0xFF;
        }
        boolean readProtected = bytes[0] != RDP_UNPROTECTED;
        obr = (error ? 1 : 0) | (readProtected ? 2 : 0) | bytes[1] << 2 | bytes[2] << 10 | bytes[3] << 18;
        wrpr = bytes[4] | bytes[5] << 8 | bytes[6] << 16 | bytes[7] << 24;
    }

    int obr() {
        return obr;
    }

    int wrpr() {
        return wrpr;
    }

    boolean readProtected() {
        return (obr & 2) != 0;
    }

    /** OBR.WDG_SW = 0: the independent watchdog starts at reset. */
    boolean hardwareWatchdog() {
        return (obr & 4) == 0;
    }

    /**
     * Whether programming or erasing at a main-flash offset is refused: its WRP bit is 0,
     * or read protection is on and it is in the first 4 KiB, which RDP protects from
     * writes as well (PM0075 "Read protection").
     */
    boolean isWriteProtected(long flashOffset) {
        int bit = (int) Math.min(flashOffset / WRP_GRANULE, 31); // bit 31 covers the rest of a high-density flash
        return (wrpr & (1 << bit)) == 0 || (readProtected() && flashOffset < WRP_GRANULE);
    }

    /** Whether any WRP bit protects something. */
    boolean anyWriteProtection() {
        return wrpr != -1;
    }

    int halfWord(int index) {
        return Short.toUnsignedInt(memory.get(HALF, 2L * index));
    }

    void program(int index, int value) {
        memory.set(HALF, 2L * index, (short) complemented(value));
    }

    void erase() {
        memory.fill((byte) 0xFF);
    }
}
