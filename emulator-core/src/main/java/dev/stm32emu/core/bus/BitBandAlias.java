package dev.stm32emu.core.bus;

import dev.stm32emu.core.cpu.MmioHandler;

/**
 * A Cortex-M3/M4 bit-band alias window (ARMv7-M ARM B3.4 / PM0056 §2.2.5): every word in
 * the alias maps to one bit of the target region,
 * {@code alias = aliasBase + byteOffset * 32 + bit * 4}. A read returns the bit; a write
 * sets or clears it with a read-modify-write of the target done by the bus, with the
 * alias access's width. The RMW uses the target's normal write semantics, so on an rc_w1
 * register (FLASH_SR, EXTI_PR) writing 1 to one flag also writes back the other set
 * flags (facts-stm32f1.md §1.2).
 */
public final class BitBandAlias implements MmioHandler {
    /** How the alias reaches its target. */
    public interface Target {
        int read(long address, int size);

        void write(long address, int size, int value);
    }

    private final long targetBase;
    private final Target target;

    public BitBandAlias(long targetBase, Target target) {
        this.targetBase = targetBase;
        this.target = target;
    }

    @Override
    public int read(long offset, int size) {
        long[] unit = locate(offset, size);
        return (target.read(unit[0], size) >>> unit[1]) & 1;
    }

    @Override
    public void write(long offset, int size, int value) {
        long[] unit = locate(offset, size);
        int old = target.read(unit[0], size);
        int bit = 1 << unit[1];
        target.write(unit[0], size, (value & 1) != 0 ? old | bit : old & ~bit);
    }

    /** {target unit address, bit number within that unit}. */
    private long[] locate(long offset, int size) {
        long byteOffset = offset >>> 5;
        int bit = (int) ((offset >>> 2) & 7);
        long address = targetBase + byteOffset;
        long aligned = address & ~(long) (size - 1);
        return new long[]{aligned, (address - aligned) * 8 + bit};
    }
}
