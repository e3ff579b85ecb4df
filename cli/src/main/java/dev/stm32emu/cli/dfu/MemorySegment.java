package dev.stm32emu.cli.dfu;

/**
 * One run of equal pages from a DfuSe memory layout string ({@code 04*016Kg} is four 16 KiB
 * pages of type g), as dfu-util's {@code struct memsegment} (dfuse_mem.h).
 *
 * @param start    first address
 * @param end      last address, inclusive
 * @param pageSize page (sector) size in bytes; the erase unit
 * @param type     the type letter's low three bits: {@link #READABLE}, {@link #ERASABLE}, {@link #WRITEABLE}
 */
public record MemorySegment(long start, long end, long pageSize, int type) {

    /** Type bit 0 (UM0424 §4.3.2 / dfuse_mem.h DFUSE_READABLE). */
    public static final int READABLE = 1;
    /** Type bit 1 (DFUSE_ERASABLE). */
    public static final int ERASABLE = 2;
    /** Type bit 2 (DFUSE_WRITEABLE). */
    public static final int WRITEABLE = 4;

    public MemorySegment {
        if (start < 0 || end > 0xFFFF_FFFFL || end < start || pageSize <= 0 || (type & ~7) != 0) {
            throw new IllegalArgumentException(String.format(
                    "bad segment 0x%x-0x%x page %d type %d", start, end, pageSize, type));
        }
    }

    public boolean contains(long address) {
        return address >= start && address <= end;
    }

    public boolean readable() {
        return (type & READABLE) != 0;
    }

    public boolean erasable() {
        return (type & ERASABLE) != 0;
    }

    public boolean writeable() {
        return (type & WRITEABLE) != 0;
    }

    /** Size in bytes. */
    public long size() {
        return end - start + 1;
    }

    /**
     * The page an address falls in, computed as dfu-util does: {@code address & ~(pagesize - 1)}
     * (dfuse.c). That is the real page start only for power-of-two page sizes on aligned
     * segments, which every ST layout has.
     */
    public long pageAddress(long address) {
        return address & ~(pageSize - 1) & 0xFFFF_FFFFL;
    }

    /** The type as dfu-util prints it with -v: "r", "e", "w" in that order ("rew" for g). */
    public String typeLetters() {
        return (readable() ? "r" : "") + (erasable() ? "e" : "") + (writeable() ? "w" : "");
    }

    @Override
    public String toString() {
        return String.format("0x%08x-0x%08x %d-byte pages %s", start, end, pageSize,
                type == 0 ? "(no access)" : typeLetters());
    }
}
