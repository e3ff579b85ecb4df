package dev.stm32emu.core;

import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.semihosting.SemihostingConsole;

/**
 * What the core of a machine is made of; memories and peripherals are added by the
 * board factory afterwards.
 *
 * @param cpu           the core
 * @param irqCount      external interrupt lines
 * @param priorityBits  implemented NVIC priority bits (4 on STM32)
 * @param coreHz        HCLK at reset (8 MHz HSI on STM32)
 * @param sysTickCalib  SYST_CALIB value
 * @param mpuRegions    MPU regions (0: no MPU)
 * @param console       where semihosting output goes
 */
public record MachineConfig(CpuModel cpu, int irqCount, int priorityBits, long coreHz, int sysTickCalib, int mpuRegions,
                            SemihostingConsole console) {

    /** A bare Cortex-M3 or M4 with STM32-like NVIC and clock. */
    public static MachineConfig generic(CpuModel cpu, SemihostingConsole console) {
        return new MachineConfig(cpu, cpu == CpuModel.CORTEX_M4 ? 82 : 68, 4, 8_000_000L, 0x0000_2328,
                cpu == CpuModel.CORTEX_M4 ? 8 : 0, console);
    }

    public MachineConfig withConsole(SemihostingConsole c) {
        return new MachineConfig(cpu, irqCount, priorityBits, coreHz, sysTickCalib, mpuRegions, c);
    }
}
