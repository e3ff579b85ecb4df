package dev.stm32emu.core.cpu;

/**
 * The Cortex-M cores stm32emu models, with the identification values of the
 * revisions found in STM32 parts (facts-cortexm.md §1.1, §1.5).
 */
public enum CpuModel {
    /** Cortex-M3 r1p1 as in STM32F1: CPUID 0x411FC231, CCR.STKALIGN resets to 0. */
    CORTEX_M3(0x411F_C231, 0x0000_0000, false),
    /** Cortex-M4F r0p1 as in STM32F4: CPUID 0x410FC241, CCR.STKALIGN resets to 1. */
    CORTEX_M4(0x410F_C241, 0x0000_0200, true);

    private final int cpuid;
    private final int ccrReset;
    private final boolean fpu;

    CpuModel(int cpuid, int ccrReset, boolean fpu) {
        this.cpuid = cpuid;
        this.ccrReset = ccrReset;
        this.fpu = fpu;
    }

    /** Value of SCB CPUID. */
    public int cpuid() {
        return cpuid;
    }

    /** Reset value of SCB CCR (only STKALIGN differs between the two revisions). */
    public int ccrResetValue() {
        return ccrReset;
    }

    /** Whether the core has the single-precision FPU (and so extended exception frames). */
    public boolean hasFpu() {
        return fpu;
    }
}
