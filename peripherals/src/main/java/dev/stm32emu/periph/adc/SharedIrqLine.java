package dev.stm32emu.periph.adc;

import dev.stm32emu.core.IrqLine;

/**
 * One NVIC line driven by several peripherals, high while any of them asserts it: ADC1 and
 * ADC2 share ADC1_2 (IRQ 18 on STM32F103, RM0008 table "Vector table"). Each source gets
 * its own {@link #input()}; the output changes only when the OR of the inputs does.
 */
public final class SharedIrqLine {
    private final IrqLine output;
    private int sources;
    private int high;

    public SharedIrqLine(IrqLine output) {
        this.output = output;
    }

    /** A new input for one source (at most 32). */
    public IrqLine input() {
        if (sources == 32) {
            throw new IllegalStateException("a shared line takes at most 32 sources");
        }
        int bit = 1 << sources++;
        return level -> {
            high = level ? high | bit : high & ~bit;
            output.set(high != 0);
        };
    }
}
