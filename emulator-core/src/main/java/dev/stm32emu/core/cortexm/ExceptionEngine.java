package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.bus.GuestMemory;
import dev.stm32emu.core.bus.MemoryRegion;
import dev.stm32emu.core.cpu.CpuBackend;
import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.cpu.CpuRegister;

import static dev.stm32emu.core.cpu.CpuRegister.CONTROL;
import static dev.stm32emu.core.cpu.CpuRegister.IPSR;
import static dev.stm32emu.core.cpu.CpuRegister.LR;
import static dev.stm32emu.core.cpu.CpuRegister.MSP;
import static dev.stm32emu.core.cpu.CpuRegister.PC;
import static dev.stm32emu.core.cpu.CpuRegister.PSP;
import static dev.stm32emu.core.cpu.CpuRegister.XPSR;

/**
 * ARMv7-M exception entry, return and tail-chaining, done on the host because the CPU
 * engine never runs QEMU's v7-M exception logic (facts-unicorn.md §2.6 gives the
 * verified register-write order; facts-cortexm.md §3-§4 the architecture).
 *
 * <p>The FP context is stacked eagerly rather than lazily. For correct firmware this is
 * indistinguishable (facts-cortexm.md §3.1): the 0x68-byte frame is always allocated,
 * S0-S15/FPSCR are written at entry and reloaded on an FTYPE=0 return, FPCAR is
 * updated; only FPCCR.LSPACT never reads 1.
 */
public final class ExceptionEngine {
    private static final int CONTROL_NPRIV = 1;
    private static final int CONTROL_SPSEL = 2;
    private static final int CONTROL_FPCA = 4;
    private static final int XPSR_SPREALIGN = 1 << 9;
    private static final CpuRegister[] BASIC = {CpuRegister.R0, CpuRegister.R1, CpuRegister.R2, CpuRegister.R3,
            CpuRegister.R12, LR};

    private final CpuBackend cpu;
    private final GuestMemory memory;
    private final Nvic nvic;
    private final SystemControlBlock scb;
    private final CpuModel model;
    private final int[] frame = new int[26];

    public ExceptionEngine(CpuBackend cpu, GuestMemory memory, Nvic nvic, SystemControlBlock scb) {
        this.cpu = cpu;
        this.memory = memory;
        this.nvic = nvic;
        this.scb = scb;
        this.model = cpu.model();
    }

    /** Outcome of an entry or return attempt. */
    public enum Result {
        /** Done; the PC now points where execution continues. */
        OK,
        /** The stack could not be written (STKERR/MSTKERR); the caller takes a fault. */
        STACKING_FAILED,
        /** The vector could not be read (HFSR.VECTTBL). */
        VECTOR_FAILED,
        /** The EXC_RETURN or the return state was invalid (INVPC). */
        INVALID_RETURN,
        /** The frame could not be read back (UNSTKERR). */
        UNSTACKING_FAILED
    }

    /** The current exception number (IPSR), 0 in thread mode. */
    public int currentException() {
        return cpu.read(IPSR) & 0x1FF;
    }

    /** The execution priority with the current PRIMASK/BASEPRI/FAULTMASK. */
    public int executionPriority() {
        return nvic.executionPriority((cpu.read(CpuRegister.PRIMASK) & 1) != 0, cpu.read(CpuRegister.BASEPRI) & 0xFF,
                (cpu.read(CpuRegister.FAULTMASK) & 1) != 0);
    }

    /** The execution priority as WFI sees it: PRIMASK ignored (facts-cortexm.md §7). */
    public int wakePriority() {
        return nvic.executionPriority(false, cpu.read(CpuRegister.BASEPRI) & 0xFF,
                (cpu.read(CpuRegister.FAULTMASK) & 1) != 0);
    }

    /**
     * Takes exception {@code exc}: stacks the context with {@code returnAddress} as the
     * stacked PC, switches to handler mode and jumps to the vector (facts-cortexm.md §3).
     */
    public Result enter(int exc, int returnAddress) {
        int ctrl = cpu.read(CONTROL);
        int xpsr = cpu.read(XPSR);
        boolean handlerMode = (xpsr & 0x1FF) != 0;
        boolean usePsp = !handlerMode && (ctrl & CONTROL_SPSEL) != 0;
        boolean fp = model.hasFpu() && (ctrl & CONTROL_FPCA) != 0;
        int sp = cpu.read(usePsp ? PSP : MSP);
        int size = fp ? 0x68 : 0x20;
        int framePtr = sp - size;
        int stackedXpsr = xpsr & ~XPSR_SPREALIGN;
        // PushStack: 8-byte alignment when CCR.STKALIGN is set, and always for an FP frame.
        boolean forceAlign = fp || (scb.ccr() & SystemControlBlock.CCR_STKALIGN) != 0;
        if (forceAlign && (framePtr & 4) != 0) {
            framePtr -= 4;
            stackedXpsr |= XPSR_SPREALIGN;
        }
        MemoryRegion stack = memory.regionAt(framePtr & 0xFFFF_FFFFL, size);
        if (stack == null || !stack.permissions().write()) {
            return Result.STACKING_FAILED;
        }
        for (int i = 0; i < BASIC.length; i++) {
            frame[i] = cpu.read(BASIC[i]);
        }
        frame[6] = returnAddress & ~1;
        frame[7] = stackedXpsr;
        int words = 8;
        if (fp) {
            for (int i = 0; i < 16; i++) {
                frame[8 + i] = cpu.read(CpuRegister.s(i));
            }
            frame[24] = cpu.read(CpuRegister.FPSCR);
            frame[25] = 0;
            words = 26;
        }
        for (int i = 0; i < words; i++) {
            stack.write((framePtr & 0xFFFF_FFFFL) + 4L * i, 4, frame[i]);
        }
        int excReturn = handlerMode ? 0xFFFF_FFF1 : (usePsp ? 0xFFFF_FFFD : 0xFFFF_FFF9);
        if (fp) {
            excReturn &= ~0x10;
            scb.setFpcar(framePtr + 0x20);
        }
        int newXpsr = exc | (1 << 24) | (xpsr & 0xF80F_0000);
        switchToHandler(ctrl, handlerMode, usePsp, framePtr, newXpsr);
        cpu.write(LR, excReturn);
        Result r = jumpToVector(exc);
        nvic.acknowledge(exc);
        return r;
    }

    /**
     * Chains into {@code exc} on return from the current handler without unstacking
     * (ARMv7-M B1.5.12): the frame stays, LR keeps the same EXC_RETURN.
     */
    public Result tailChain(int exc, int excReturn) {
        int xpsr = cpu.read(XPSR);
        cpu.write(XPSR, (xpsr & ~0x1FF) | exc);
        cpu.write(CONTROL, cpu.read(CONTROL) & ~CONTROL_FPCA);
        cpu.refreshExecutionState();
        cpu.write(LR, excReturn | 0xFF00_0000);
        Result r = jumpToVector(exc);
        nvic.acknowledge(exc);
        return r;
    }

    /** What {@link #validateReturn} found. */
    public record ReturnCheck(Result result, int exception, boolean toThread) {
    }

    /**
     * Checks an EXC_RETURN and deactivates the returning exception (the first half of
     * ARMv7-M ExceptionReturn); FAULTMASK is cleared unless returning from NMI.
     */
    public ReturnCheck validateReturn(int excReturn) {
        int exc = currentException();
        int mode = excReturn & 0xF;
        boolean validPrefix = (excReturn & 0xFFFF_FFE0) == 0xFFFF_FFE0;
        boolean validMode = mode == 0x1 || mode == 0x9 || mode == 0xD;
        boolean fpFrame = (excReturn & 0x10) == 0;
        if (!validPrefix || !validMode || (fpFrame && !model.hasFpu()) || exc == 0) {
            return new ReturnCheck(Result.INVALID_RETURN, exc, mode != 0x1);
        }
        if (!nvic.deactivate(exc)) {
            return new ReturnCheck(Result.INVALID_RETURN, exc, mode != 0x1);
        }
        if (exc != Exceptions.NMI) {
            cpu.write(CpuRegister.FAULTMASK, 0);
        }
        boolean toThread = mode != 0x1;
        if (toThread && nvic.activeCount() > 0 && (scb.ccr() & SystemControlBlock.CCR_NONBASETHRDENA) == 0) {
            return new ReturnCheck(Result.INVALID_RETURN, exc, true);
        }
        return new ReturnCheck(Result.OK, exc, toThread);
    }

    /**
     * Unstacks the frame EXC_RETURN names and resumes the interrupted context (the second
     * half of ExceptionReturn, after the tail-chain check).
     */
    public Result unstack(int excReturn) {
        int mode = excReturn & 0xF;
        boolean fromPsp = mode == 0xD;
        boolean toThread = mode != 0x1;
        boolean fpFrame = (excReturn & 0x10) == 0;
        int size = fpFrame ? 0x68 : 0x20;
        int sp = cpu.read(fromPsp ? PSP : MSP);
        MemoryRegion stack = memory.regionAt(sp & 0xFFFF_FFFFL, size);
        if (stack == null) {
            return Result.UNSTACKING_FAILED;
        }
        int words = fpFrame ? 26 : 8;
        for (int i = 0; i < words; i++) {
            frame[i] = stack.read((sp & 0xFFFF_FFFFL) + 4L * i, 4);
        }
        int stackedXpsr = frame[7];
        int stackedIpsr = stackedXpsr & 0x1FF;
        if (toThread != (stackedIpsr == 0)) {
            return Result.INVALID_RETURN; // return mode disagrees with the stacked IPSR
        }
        int newSp = sp + size + ((stackedXpsr & XPSR_SPREALIGN) != 0 ? 4 : 0);
        int ctrl = cpu.read(CONTROL);
        int fpca = fpFrame ? CONTROL_FPCA : 0;
        int restoredXpsr = stackedXpsr & ~XPSR_SPREALIGN;
        if (fromPsp) {
            // Become privileged in handler mode, drop to thread on MSP, then select PSP from
            // privileged thread mode, where an SPSEL write takes effect (facts-unicorn.md §2.6).
            cpu.write(PSP, newSp);
            cpu.write(CONTROL, ctrl & ~(CONTROL_NPRIV | CONTROL_FPCA));
            cpu.write(XPSR, restoredXpsr);
            cpu.write(CONTROL, (ctrl & CONTROL_NPRIV) | CONTROL_SPSEL | fpca);
        } else {
            // CONTROL first, while still privileged: an unprivileged thread could not write it.
            cpu.write(CONTROL, (ctrl & CONTROL_NPRIV) | fpca);
            cpu.write(MSP, newSp);
            cpu.write(XPSR, restoredXpsr);
        }
        for (int i = 0; i < BASIC.length; i++) {
            cpu.write(BASIC[i], frame[i]);
        }
        if (fpFrame) {
            for (int i = 0; i < 16; i++) {
                cpu.write(CpuRegister.s(i), frame[8 + i]);
            }
            cpu.write(CpuRegister.FPSCR, frame[24]);
        }
        cpu.refreshExecutionState();
        // Bit 0 of the stacked PC is ignored; the T bit comes from the stacked xPSR.
        cpu.write(PC, (frame[6] & ~1) | ((stackedXpsr >>> 24) & 1));
        return Result.OK;
    }

    private void switchToHandler(int ctrl, boolean handlerMode, boolean usePsp, int framePtr, int newXpsr) {
        if (!handlerMode && (ctrl & CONTROL_NPRIV) != 0) {
            // Host register writes obey guest privilege; become privileged through handler mode.
            cpu.write(IPSR, Exceptions.NMI);
            cpu.write(CONTROL, ctrl & ~CONTROL_NPRIV);
            cpu.write(IPSR, 0);
        }
        if (usePsp) {
            cpu.write(CONTROL, ctrl & ~(CONTROL_NPRIV | CONTROL_SPSEL)); // swaps the bank to MSP
            cpu.write(PSP, framePtr);
            cpu.write(XPSR, newXpsr);
            cpu.write(CONTROL, ctrl & CONTROL_NPRIV);
        } else {
            cpu.write(MSP, framePtr);
            cpu.write(XPSR, newXpsr);
            cpu.write(CONTROL, ctrl & ~(CONTROL_FPCA | CONTROL_SPSEL));
        }
        cpu.refreshExecutionState();
    }

    private Result jumpToVector(int exc) {
        long address = (scb.vtor() & 0xFFFF_FFFFL) + 4L * exc;
        MemoryRegion table = memory.regionAt(address, 4);
        if (table == null) {
            return Result.VECTOR_FAILED;
        }
        // Bit 0 of the vector is EPSR.T; a vector without it faults with INVSTATE.
        cpu.write(PC, table.read(address, 4));
        return Result.OK;
    }
}
