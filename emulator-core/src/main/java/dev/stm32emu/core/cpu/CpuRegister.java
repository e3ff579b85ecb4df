package dev.stm32emu.core.cpu;

/**
 * Architectural registers of an ARMv7-M core, as seen by the system layer.
 * Backends translate these to their own numbering; callers never see engine constants.
 */
public enum CpuRegister {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12,
    /** The current stack pointer (MSP or PSP, whichever is selected). */
    SP,
    LR,
    /** Program counter, without the Thumb bit. */
    PC,
    /** Combined APSR, IPSR and EPSR. */
    XPSR,
    /** The N, Z, C, V flags only (bits 31:28). */
    APSR_NZCV,
    IPSR,
    MSP,
    PSP,
    CONTROL,
    PRIMASK,
    BASEPRI,
    FAULTMASK,
    FPSCR,
    S0, S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, S13, S14, S15,
    S16, S17, S18, S19, S20, S21, S22, S23, S24, S25, S26, S27, S28, S29, S30, S31;

    private static final CpuRegister[] CORE = {R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, SP, LR, PC};

    /** R0..R12, SP, LR, PC in order. */
    public static CpuRegister[] coreRegisters() {
        return CORE.clone();
    }

    /** The single-precision register Sn. */
    public static CpuRegister s(int n) {
        return values()[S0.ordinal() + n];
    }
}
