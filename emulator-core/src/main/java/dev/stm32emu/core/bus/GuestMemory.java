package dev.stm32emu.core.bus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The guest address space as the host sees it: memory regions backed by host memory,
 * with the peripheral bus behind them. Used for exception stacking, semihosting, vector
 * fetches, loaders and debuggers; the CPU itself reaches the same memory through the
 * engine's mappings.
 */
public final class GuestMemory {
    private final List<MemoryRegion> regions = new ArrayList<>();
    private final PeripheralBus bus;
    private MemoryRegion last;

    public GuestMemory(PeripheralBus bus) {
        this.bus = bus;
    }

    /** Adds a region (regions must not overlap; replace an alias with {@link #remove}). */
    public void add(MemoryRegion region) {
        for (MemoryRegion r : regions) {
            if (region.base() < r.end() && r.base() < region.end()) {
                throw new IllegalArgumentException("region " + region.name() + " overlaps " + r.name());
            }
        }
        regions.add(region);
        regions.sort(Comparator.comparingLong(MemoryRegion::base));
        last = null;
    }

    /** Removes the region starting at {@code base}, if any. */
    public void remove(long base) {
        regions.removeIf(r -> r.base() == base);
        last = null;
    }

    /** The region holding {@code length} bytes at {@code address}, or null. */
    public MemoryRegion regionAt(long address, int length) {
        MemoryRegion l = last;
        if (l != null && l.contains(address, length)) {
            return l;
        }
        for (MemoryRegion r : regions) {
            if (r.contains(address, length)) {
                last = r;
                return r;
            }
        }
        return null;
    }

    /** A snapshot of the regions, sorted by address. */
    public List<MemoryRegion> regions() {
        return List.copyOf(regions);
    }

    /** The peripheral bus behind the memory. */
    public PeripheralBus bus() {
        return bus;
    }

    /** Reads 1, 2 or 4 bytes (little-endian); throws {@link BusErrorException} if nothing answers. */
    public int read(long address, int size) {
        MemoryRegion r = regionAt(address, size);
        if (r != null) {
            return r.read(address, size);
        }
        if (bus.find(address) != null) {
            return bus.read(address, size);
        }
        throw new BusErrorException(address);
    }

    /** Writes 1, 2 or 4 bytes, bypassing read-only protection (host side: loaders, stacking). */
    public void write(long address, int size, int value) {
        MemoryRegion r = regionAt(address, size);
        if (r != null) {
            r.write(address, size, value);
            return;
        }
        if (bus.find(address) != null) {
            bus.write(address, size, value);
            return;
        }
        throw new BusErrorException(address);
    }

    public int read32(long address) {
        return read(address, 4);
    }

    public void write32(long address, int value) {
        write(address, 4, value);
    }

    /** Whether every byte of the range is backed by a memory region. */
    public boolean isMemory(long address, int length) {
        return regionAt(address, length) != null;
    }

    /** Copies guest bytes out; throws {@link BusErrorException} at the first unbacked byte. */
    public byte[] readBytes(long address, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) read(address + i, 1);
        }
        return out;
    }

    /** Copies bytes in, bypassing read-only protection. */
    public void writeBytes(long address, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            write(address + i, 1, data[i]);
        }
    }

    /** Reads a NUL-terminated string of at most {@code max} bytes (ISO-8859-1). */
    public String readCString(long address, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < max; i++) {
            int b = read(address + i, 1);
            if (b == 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }
}
