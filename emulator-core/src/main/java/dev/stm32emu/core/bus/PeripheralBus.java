package dev.stm32emu.core.bus;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.cpu.MmioHandler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decodes absolute addresses to the devices attached at them. The CPU reaches it through
 * MMIO windows ({@link #window(long)}); per-access tracing, if any, happens here once
 * rather than in every device (STYLE.md). An access where no device is attached reads
 * as zero, ignores writes, and is logged once per address as a guest error.
 */
public final class PeripheralBus {
    /** One device on the bus. */
    public record Mapping(String name, long base, long size, MmioDevice device) {
        boolean contains(long address) {
            return address >= base && address < base + size;
        }
    }

    private final List<Mapping> mappings = new ArrayList<>();
    private final DeviceLog log;
    private Mapping[] sorted = new Mapping[0];
    private Mapping lastHit;
    private Runnable beforeAccess = () -> {
    };
    private AccessTracer tracer;

    public PeripheralBus(DeviceLog log) {
        this.log = log;
    }

    /** Attaches a device; overlapping another device is a board definition error. */
    public void attach(String name, long base, long size, MmioDevice device) {
        for (Mapping m : mappings) {
            if (base < m.base() + m.size() && m.base() < base + size) {
                throw new IllegalArgumentException(String.format("%s at 0x%08x overlaps %s at 0x%08x", name, base,
                        m.name(), m.base()));
            }
        }
        mappings.add(new Mapping(name, base, size, device));
        sorted = mappings.stream().sorted(Comparator.comparingLong(Mapping::base)).toArray(Mapping[]::new);
        lastHit = null;
    }

    /** Every attached device, sorted by address. */
    public List<Mapping> mappings() {
        return List.of(sorted);
    }

    /** Runs before every CPU access (the machine flushes pending flash fix-ups there). */
    public void setBeforeAccess(Runnable hook) {
        this.beforeAccess = hook;
    }

    /** Installs (or removes, with null) a per-access tracer. */
    public void setTracer(AccessTracer tracer) {
        this.tracer = tracer;
    }

    /** The device mapping containing {@code address}, or null. */
    public Mapping find(long address) {
        Mapping hit = lastHit;
        if (hit != null && hit.contains(address)) {
            return hit;
        }
        Mapping[] s = sorted;
        int lo = 0;
        int hi = s.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Mapping m = s[mid];
            if (address < m.base()) {
                hi = mid - 1;
            } else if (address >= m.base() + m.size()) {
                lo = mid + 1;
            } else {
                lastHit = m;
                return m;
            }
        }
        return null;
    }

    public int read(long address, int size) {
        Mapping m = find(address);
        int value;
        if (m == null) {
            log.guestError(String.format("r%08x", address), String.format("read of 0x%08x: no device there, reads 0", address));
            value = 0;
        } else {
            value = m.device().read((int) (address - m.base()), size);
        }
        if (tracer != null) {
            tracer.access(false, address, size, value, m == null ? "-" : m.name());
        }
        return value;
    }

    public void write(long address, int size, int value) {
        Mapping m = find(address);
        if (tracer != null) {
            tracer.access(true, address, size, value, m == null ? "-" : m.name());
        }
        if (m == null) {
            log.guestError(String.format("w%08x", address), String.format("write of 0x%x to 0x%08x: no device there, ignored",
                    value, address));
            return;
        }
        m.device().write((int) (address - m.base()), size, value);
    }

    /** An MMIO handler for a CPU window starting at {@code windowBase}. */
    public MmioHandler window(long windowBase) {
        return new MmioHandler() {
            @Override
            public int read(long offset, int size) {
                beforeAccess.run();
                return PeripheralBus.this.read(windowBase + offset, size);
            }

            @Override
            public void write(long offset, int size, int value) {
                beforeAccess.run();
                PeripheralBus.this.write(windowBase + offset, size, value);
            }
        };
    }

    /** Receives every CPU access to the bus. */
    @FunctionalInterface
    public interface AccessTracer {
        void access(boolean write, long address, int size, int value, String device);
    }
}
