package dev.stm32emu.core.bus;

import dev.stm32emu.core.cpu.MemoryPermissions;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A piece of guest memory backed by host memory: flash, SRAM, system memory. The same
 * segment may back several regions (the boot alias at 0x00000000).
 *
 * @param name        for messages ("flash", "sram", "boot alias")
 * @param base        guest address
 * @param segment     the host memory; its size is the region size
 * @param permissions what the CPU may do
 * @param interceptor who decides what stores to a read-only region do, or null to
 *                    ignore them (logged as a guest error)
 */
public record MemoryRegion(String name, long base, MemorySegment segment, MemoryPermissions permissions,
                           StoreInterceptor interceptor) {

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    public long size() {
        return segment.byteSize();
    }

    public long end() {
        return base + segment.byteSize();
    }

    public boolean contains(long address, int length) {
        return address >= base && address + length <= end();
    }

    /** Little-endian read of 1, 2 or 4 bytes at a guest address inside the region. */
    public int read(long address, int size) {
        long o = address - base;
        return switch (size) {
            case 1 -> Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, o));
            case 2 -> Short.toUnsignedInt(segment.get(SHORT, o));
            default -> segment.get(INT, o);
        };
    }

    /** Little-endian write of 1, 2 or 4 bytes at a guest address inside the region. */
    public void write(long address, int size, int value) {
        long o = address - base;
        switch (size) {
            case 1 -> segment.set(ValueLayout.JAVA_BYTE, o, (byte) value);
            case 2 -> segment.set(SHORT, o, (short) value);
            default -> segment.set(INT, o, value);
        }
    }
}
