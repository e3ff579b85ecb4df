package dev.stm32emu.periph.rcc;

import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterFile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The RCC's per-peripheral bits: APB2RSTR/APB1RSTR (RM0008 §7.3.4, §7.3.5) and
 * AHBENR/APB2ENR/APB1ENR (§7.3.6-§7.3.8), with the RM's bit names. Clock gating is not
 * enforced on the peripherals (facts-stm32f1.md §3.2 calls it optional); the enable bits
 * store and read back, and the board may ask {@link #isEnabled}.
 */
final class PeripheralGates {
    private static final String[] AHB_BITS = {"DMA1", "DMA2", "SRAM", null, "FLITF", null, "CRC", null, "FSMC", null, "SDIO"};
    private static final String[] APB2_BITS = {"AFIO", null, "IOPA", "IOPB", "IOPC", "IOPD", "IOPE", "IOPF", "IOPG", "ADC1",
            "ADC2", "TIM1", "SPI1", "TIM8", "USART1", "ADC3"};
    private static final String[] APB1_BITS = {"TIM2", "TIM3", "TIM4", "TIM5", "TIM6", "TIM7", null, null, null, null, null,
            "WWDG", null, null, "SPI2", "SPI3", null, "USART2", "USART3", "UART4", "UART5", "I2C1", "I2C2", "USB", null, "CAN",
            null, "BKP", "PWR", "DAC"};

    private final Map<Integer, List<Runnable>> resetTargets = new HashMap<>();
    private final Register ahbenr;
    private final Register apb2enr;
    private final Register apb1enr;

    PeripheralGates(RegisterFile regs, int apb2rstr, int apb1rstr, int ahbenr, int apb2enr, int apb1enr) {
        declare(regs.define(apb2rstr, "APB2RSTR", 0), APB2_BITS, "RST", Stm32f1Rcc.Bus.APB2);
        declare(regs.define(apb1rstr, "APB1RSTR", 0), APB1_BITS, "RST", Stm32f1Rcc.Bus.APB1);
        // SRAMEN and FLITFEN are set at reset (RM0008 §7.3.6: reset value 0x0000 0014)
        this.ahbenr = declare(regs.define(ahbenr, "AHBENR", 0x0000_0014), AHB_BITS, "EN", null);
        this.apb2enr = declare(regs.define(apb2enr, "APB2ENR", 0), APB2_BITS, "EN", null);
        this.apb1enr = declare(regs.define(apb1enr, "APB1ENR", 0), APB1_BITS, "EN", null);
    }

    void onReset(Stm32f1Rcc.Bus bus, int bit, Runnable action) {
        if (bus == Stm32f1Rcc.Bus.AHB) {
            throw new IllegalArgumentException("STM32F103 has no AHB peripheral reset register");
        }
        resetTargets.computeIfAbsent(key(bus, bit), k -> new ArrayList<>()).add(action);
    }

    boolean isEnabled(Stm32f1Rcc.Bus bus, int bit) {
        Register r = switch (bus) {
            case AHB -> ahbenr;
            case APB1 -> apb1enr;
            case APB2 -> apb2enr;
        };
        return (r.value() & (1 << bit)) != 0;
    }

    private Register declare(Register reg, String[] names, String suffix, Stm32f1Rcc.Bus resetBus) {
        for (int bit = 0; bit < names.length; bit++) {
            if (names[bit] == null) {
                continue;
            }
            Flag f = reg.flag(names[bit] + suffix, bit, Access.RW);
            if (resetBus != null) {
                int k = key(resetBus, bit);
                f.onChange(v -> {
                    if (v) {
                        for (Runnable r : List.copyOf(resetTargets.getOrDefault(k, List.of()))) {
                            r.run();
                        }
                    }
                });
            }
        }
        return reg;
    }

    private static int key(Stm32f1Rcc.Bus bus, int bit) {
        return bus.ordinal() * 32 + bit;
    }
}
