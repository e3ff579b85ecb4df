package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.bus.GuestMemory;
import dev.stm32emu.core.bus.MemoryRegion;

import java.util.ArrayDeque;

/**
 * Stores to memory the CPU may only read (flash, system memory, option bytes).
 *
 * <p>The engine lets such a store through to the backing memory once the write-protect
 * hook returns (measured on unicorn 2.0.1), so the hook cannot simply refuse it. Instead
 * the region's {@link dev.stm32emu.core.bus.StoreInterceptor} (the flash controller)
 * decides what the memory must hold, and when that differs from what was stored the old
 * contents are put back at the next safe point: the next translation-block boundary or
 * peripheral access, whichever comes first. Deliberate deviation: a load of the same
 * address by the very next instructions of the same block sees the stored value.
 */
public final class ReadOnlyStores {
    private record Fixup(MemoryRegion region, long address, int size, int value) {
    }

    private final GuestMemory memory;
    private final DeviceLog log;
    private final ArrayDeque<Fixup> pending = new ArrayDeque<>();

    public ReadOnlyStores(GuestMemory memory, DeviceLog log) {
        this.memory = memory;
        this.log = log;
    }

    /**
     * Called from the engine's write-protect hook, before the store lands.
     *
     * @return true if a fix-up is now pending
     */
    public boolean onStore(long address, int size, long value) {
        MemoryRegion region = memory.regionAt(address, size);
        if (region == null) {
            return false;
        }
        int current = region.read(address, size);
        long desired;
        if (region.interceptor() != null) {
            desired = region.interceptor().store(address - region.base(), size, value, current & mask(size));
        } else {
            log.guestError("ro-" + region.name(), String.format("store of 0x%x to read-only %s at 0x%08x ignored",
                    value, region.name(), address));
            desired = current;
        }
        if ((desired & mask(size)) != (value & mask(size))) {
            pending.add(new Fixup(region, address, size, (int) desired));
            return true;
        }
        return false;
    }

    /** Whether fix-ups wait to be applied. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Puts back what the hardware keeps. Safe outside engine memory accesses. */
    public void apply() {
        Fixup f;
        while ((f = pending.poll()) != null) {
            f.region().write(f.address(), f.size(), f.value());
        }
    }

    /** Drops pending fix-ups (reset). */
    public void clear() {
        pending.clear();
    }

    private static long mask(int size) {
        return size >= 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1;
    }
}
