package dev.stm32emu.cli.dfu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A {@link DfuMemory} that behaves like NOR flash, its geometry taken from a DfuSe layout string:
 * erasing sets a whole page to 0xFF; programming can only clear bits (the cell ends up as
 * {@code old & new}), and a program whose result differs from the data fails verification, as
 * the usbd-dfu test double does. Segment types are enforced: reads need r, erases e, programs w.
 * Failures can be injected per operation and address; every operation is counted.
 */
public final class NorFlashFake implements DfuMemory {

    /** Largest total size this fake allocates. */
    private static final long MAX_SIZE = 64L << 20;

    private final MemoryLayout layout;
    private final List<byte[]> contents = new ArrayList<>();
    private final Map<Operation, Integer> pollTimeouts = new EnumMap<>(Operation.class);
    private final Map<Operation, Integer> counts = new EnumMap<>(Operation.class);
    private final List<Failure> failures = new ArrayList<>();
    private boolean readProtected;

    /**
     * A fake for {@code layout}, every byte erased (0xFF). Poll timeouts default to values of
     * the order of an STM32's: erase 20 ms, program 5 ms, mass erase 500 ms, the rest 0.
     */
    public NorFlashFake(String layout) {
        try {
            this.layout = MemoryLayout.parse(layout);
        } catch (DfuInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        long total = this.layout.segments().stream().mapToLong(MemorySegment::size).sum();
        if (total > MAX_SIZE) {
            throw new IllegalArgumentException("layout " + layout + " is larger than " + MAX_SIZE + " bytes");
        }
        for (MemorySegment s : this.layout.segments()) {
            byte[] b = new byte[(int) s.size()];
            Arrays.fill(b, (byte) 0xFF);
            contents.add(b);
        }
        pollTimeouts.put(Operation.ERASE, 20);
        pollTimeouts.put(Operation.PROGRAM, 5);
        pollTimeouts.put(Operation.MASS_ERASE, 500);
    }

    @Override
    public String layout() {
        return layout.source();
    }

    /** The parsed layout. */
    public MemoryLayout memoryLayout() {
        return layout;
    }

    @Override
    public byte[] read(long address, int length) throws DfuMemoryException {
        if (readProtected) {
            throw new DfuMemoryException(DfuMemoryError.PROTECTED, "read protection is active");
        }
        byte[] out = new byte[length];
        int n = 0;
        while (n < length) {
            int i = index(address + n);
            if (i < 0 || !layout.segments().get(i).readable()) {
                if (n == 0) {
                    throw new DfuMemoryException(DfuMemoryError.TARGET, String.format("0x%08x is not readable", address));
                }
                break;
            }
            MemorySegment s = layout.segments().get(i);
            int off = (int) (address + n - s.start());
            int k = (int) Math.min(length - n, s.size() - off);
            System.arraycopy(contents.get(i), off, out, n, k);
            n += k;
        }
        return n == length ? out : Arrays.copyOf(out, n);
    }

    @Override
    public void program(long address, byte[] data) throws DfuMemoryException {
        counted(Operation.PROGRAM);
        check(Operation.PROGRAM, address, data.length);
        for (int n = 0; n < data.length; n++) {
            int i = index(address + n);
            if (i < 0 || !layout.segments().get(i).writeable()) {
                throw new DfuMemoryException(DfuMemoryError.TARGET,
                        String.format("0x%08x is outside writeable memory", address + n));
            }
        }
        long firstBad = -1;
        for (int n = 0; n < data.length; n++) {
            int i = index(address + n);
            byte[] c = contents.get(i);
            int off = (int) (address + n - layout.segments().get(i).start());
            c[off] &= data[n];
            if (c[off] != data[n] && firstBad < 0) {
                firstBad = address + n;
            }
        }
        if (firstBad >= 0) {
            throw new DfuMemoryException(DfuMemoryError.VERIFY,
                    String.format("0x%08x does not read back as programmed (not erased?)", firstBad));
        }
    }

    @Override
    public void erase(long address) throws DfuMemoryException {
        counted(Operation.ERASE);
        check(Operation.ERASE, address);
        int i = index(address);
        if (i < 0 || !layout.segments().get(i).erasable()) {
            throw new DfuMemoryException(DfuMemoryError.TARGET, String.format("0x%08x is not erasable", address));
        }
        MemorySegment s = layout.segments().get(i);
        long page = Math.max(s.pageAddress(address), s.start());
        int off = (int) (page - s.start());
        Arrays.fill(contents.get(i), off, (int) Math.min(s.size(), off + s.pageSize()), (byte) 0xFF);
    }

    @Override
    public void eraseAll() throws DfuMemoryException {
        counted(Operation.MASS_ERASE);
        check(Operation.MASS_ERASE, -1);
        for (int i = 0; i < contents.size(); i++) {
            if (layout.segments().get(i).erasable()) {
                Arrays.fill(contents.get(i), (byte) 0xFF);
            }
        }
    }

    @Override
    public void readUnprotect() throws DfuMemoryException {
        counted(Operation.READ_UNPROTECT);
        check(Operation.READ_UNPROTECT, -1);
        for (byte[] c : contents) {
            Arrays.fill(c, (byte) 0xFF);
        }
        readProtected = false;
    }

    @Override
    public int pollTimeoutMillis(Operation op) {
        return pollTimeouts.getOrDefault(op, 0);
    }

    /** Sets the bwPollTimeout reported for {@code op}. */
    public NorFlashFake pollTimeout(Operation op, int millis) {
        pollTimeouts.put(op, millis);
        return this;
    }

    /** Turns read protection on or off (reads then fail with errVENDOR until a read unprotect). */
    public NorFlashFake readProtected(boolean on) {
        readProtected = on;
        return this;
    }

    /**
     * Makes the next {@code times} operations {@code op} that touch {@code address} (or any
     * address, with -1) fail with {@code error}.
     */
    public NorFlashFake inject(Operation op, long address, DfuMemoryError error, int times) {
        failures.add(new Failure(op, address, error, times));
        return this;
    }

    /** How many times {@code op} was called (reads are not counted). */
    public int count(Operation op) {
        return counts.getOrDefault(op, 0);
    }

    /** Copies {@code data} to {@code address} directly, bypassing NOR rules (test set-up). */
    public void poke(long address, byte[] data) {
        for (int n = 0; n < data.length; n++) {
            int i = index(address + n);
            if (i < 0) {
                throw new IllegalArgumentException(String.format("0x%08x is outside %s", address + n, layout));
            }
            contents.get(i)[(int) (address + n - layout.segments().get(i).start())] = data[n];
        }
    }

    /** The current contents at {@code address}, bypassing access rules (test inspection). */
    public byte[] peek(long address, int length) {
        byte[] out = new byte[length];
        for (int n = 0; n < length; n++) {
            int i = index(address + n);
            if (i < 0) {
                throw new IllegalArgumentException(String.format("0x%08x is outside %s", address + n, layout));
            }
            out[n] = contents.get(i)[(int) (address + n - layout.segments().get(i).start())];
        }
        return out;
    }

    private int index(long address) {
        List<MemorySegment> segments = layout.segments();
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).contains(address)) {
                return i;
            }
        }
        return -1;
    }

    private void counted(Operation op) {
        counts.merge(op, 1, Integer::sum);
    }

    private void check(Operation op, long address) throws DfuMemoryException {
        check(op, address, 1);
    }

    private void check(Operation op, long address, int length) throws DfuMemoryException {
        for (Iterator<Failure> it = failures.iterator(); it.hasNext(); ) {
            Failure f = it.next();
            boolean hit = f.op == op && (f.address < 0 || address < 0
                    || (f.address >= address && f.address < address + Math.max(1, length)));
            if (hit) {
                if (--f.remaining <= 0) {
                    it.remove();
                }
                throw new DfuMemoryException(f.error, "injected " + f.error + " on " + op
                        + (address >= 0 ? String.format(" at 0x%08x", address) : ""));
            }
        }
    }

    /** An injected failure and how many more times it fires. */
    private static final class Failure {
        final Operation op;
        final long address;
        final DfuMemoryError error;
        int remaining;

        Failure(Operation op, long address, DfuMemoryError error, int remaining) {
            this.op = op;
            this.address = address;
            this.error = error;
            this.remaining = remaining;
        }
    }
}
