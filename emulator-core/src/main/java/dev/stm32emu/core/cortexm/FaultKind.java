package dev.stm32emu.core.cortexm;

import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_BFARVALID;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_IACCVIOL;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_IBUSERR;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_IMPRECISERR;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_INVPC;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_INVSTATE;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_NOCP;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_PRECISERR;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_STKERR;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_UNALIGNED;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_UNDEFINSTR;
import static dev.stm32emu.core.cortexm.SystemControlBlock.CFSR_UNSTKERR;

/** The faults the core raises, with the handler that takes them and their CFSR bits (facts-cortexm.md §5.1). */
public enum FaultKind {
    UNDEFINED_INSTRUCTION(Exceptions.USAGE_FAULT, CFSR_UNDEFINSTR),
    INVALID_STATE(Exceptions.USAGE_FAULT, CFSR_INVSTATE),
    INVALID_PC(Exceptions.USAGE_FAULT, CFSR_INVPC),
    NO_COPROCESSOR(Exceptions.USAGE_FAULT, CFSR_NOCP),
    UNALIGNED(Exceptions.USAGE_FAULT, CFSR_UNALIGNED),
    INSTRUCTION_ACCESS_VIOLATION(Exceptions.MEM_MANAGE, CFSR_IACCVIOL),
    INSTRUCTION_BUS_ERROR(Exceptions.BUS_FAULT, CFSR_IBUSERR),
    PRECISE_DATA_BUS_ERROR(Exceptions.BUS_FAULT, CFSR_PRECISERR | CFSR_BFARVALID),
    IMPRECISE_DATA_BUS_ERROR(Exceptions.BUS_FAULT, CFSR_IMPRECISERR),
    STACKING_BUS_ERROR(Exceptions.BUS_FAULT, CFSR_STKERR),
    UNSTACKING_BUS_ERROR(Exceptions.BUS_FAULT, CFSR_UNSTKERR);

    private final int handler;
    private final int cfsrBits;

    FaultKind(int handler, int cfsrBits) {
        this.handler = handler;
        this.cfsrBits = cfsrBits;
    }

    /** The configurable fault handler (before any escalation to HardFault). */
    public int handler() {
        return handler;
    }

    /** The CFSR bits the fault sets. */
    public int cfsrBits() {
        return cfsrBits;
    }
}
