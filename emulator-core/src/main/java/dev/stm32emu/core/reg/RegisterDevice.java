package dev.stm32emu.core.reg;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.Resettable;
import dev.stm32emu.core.bus.MmioDevice;
import dev.stm32emu.core.event.ResetKind;

/**
 * Base for peripherals made of 32-bit registers declared with the DSL. It turns byte and
 * half-word bus accesses into register accesses according to the bus the peripheral
 * sits on:
 * <ul>
 * <li>{@link BusWidth#BYTE_LANES} (AHB peripherals such as RCC, FLASH): a narrow store
 *     writes only its byte lanes; fields outside them are untouched.</li>
 * <li>{@link BusWidth#REPLICATED} (STM32F1 APB peripherals): a narrow store is widened
 *     by copying the data to every byte lane and written as a whole word (RM0008 §13.3.4
 *     note on APB accesses; facts-stm32f1.md §5.1).</li>
 * </ul>
 * Narrow reads return the addressed bytes of the word.
 */
public abstract class RegisterDevice implements MmioDevice, Resettable {
    /** How narrow stores reach the registers. */
    public enum BusWidth { BYTE_LANES, REPLICATED }

    protected final DeviceLog log;
    protected final RegisterFile regs;
    private final BusWidth busWidth;

    protected RegisterDevice(DeviceLog log, BusWidth busWidth) {
        this.log = log;
        this.regs = new RegisterFile(log);
        this.busWidth = busWidth;
    }

    @Override
    public int read(int offset, int size) {
        int word = regs.read(offset & ~3);
        int shift = (offset & 3) * 8;
        return size == 4 ? word : (word >>> shift) & (size == 1 ? 0xFF : 0xFFFF);
    }

    @Override
    public void write(int offset, int size, int value) {
        if (size == 4) {
            regs.write(offset & ~3, value, -1);
            return;
        }
        if (busWidth == BusWidth.REPLICATED) {
            int v = size == 1 ? (value & 0xFF) * 0x0101_0101 : (value & 0xFFFF) * 0x0001_0001;
            regs.write(offset & ~3, v, -1);
            return;
        }
        int shift = (offset & 3) * 8;
        int lanes = (size == 1 ? 0xFF : 0xFFFF) << shift;
        regs.write(offset & ~3, value << shift, lanes);
    }

    /** Registers back to reset values, then {@link #onReset}, then {@link #updateInterrupts}. */
    @Override
    public void reset(ResetKind kind) {
        regs.reset();
        onReset(kind);
        updateInterrupts();
    }

    /** Non-register state back to reset values. */
    protected void onReset(ResetKind kind) {
    }

    /** Recomputes the interrupt line(s) from flags and enables; the only place IRQs are driven. */
    protected void updateInterrupts() {
    }
}
