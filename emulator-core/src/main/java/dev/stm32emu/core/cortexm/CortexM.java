package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.MachineStop;
import dev.stm32emu.core.bus.BusErrorException;
import dev.stm32emu.core.bus.GuestMemory;
import dev.stm32emu.core.cpu.AccessKind;
import dev.stm32emu.core.cpu.CpuBackend;
import dev.stm32emu.core.cpu.CpuEventHandler;
import dev.stm32emu.core.cpu.CpuRegister;
import dev.stm32emu.core.cpu.CpuTrap;
import dev.stm32emu.core.cpu.RunExit;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.semihosting.Semihosting;

import static dev.stm32emu.core.cpu.CpuRegister.PC;

/**
 * The Cortex-M3/M4 system layer around the instruction engine: it receives the engine's
 * traps and faults and turns them into ARMv7-M behaviour (exceptions taken in the guest,
 * escalation to HardFault, lockup), takes pending interrupts between slices, and tracks
 * sleep (WFI/WFE, SLEEPONEXIT).
 */
public final class CortexM implements CpuEventHandler {
    private static final int BKPT_SEMIHOSTING = 0xBEAB;

    private final CpuBackend cpu;
    private final GuestMemory memory;
    private final Nvic nvic;
    private final SystemControlBlock scb;
    private final ExceptionEngine engine;
    private final Semihosting semihosting;
    private final ReadOnlyStores readOnlyStores;
    private final MachineEvents events;
    private final CoreHost host;
    private final FaultingInstructionLocator locator;

    private boolean sleeping;
    private boolean sleepingInWfe;
    private boolean eventRegister;
    private boolean wfeHint;
    private boolean lockedUp;
    private long preciseFaultPc = -1;
    private long preciseFaultAddress;
    private AccessKind unmappedKind;
    private long unmappedAddress;

    public CortexM(CpuBackend cpu, GuestMemory memory, Nvic nvic, SystemControlBlock scb, Semihosting semihosting,
                   ReadOnlyStores readOnlyStores, MachineEvents events, CoreHost host) {
        this.cpu = cpu;
        this.memory = memory;
        this.nvic = nvic;
        this.scb = scb;
        this.engine = new ExceptionEngine(cpu, memory, nvic, scb);
        this.semihosting = semihosting;
        this.readOnlyStores = readOnlyStores;
        this.events = events;
        this.host = host;
        this.locator = new FaultingInstructionLocator(memory, cpu);
    }

    /** The exception engine (for tests and debuggers). */
    public ExceptionEngine engine() {
        return engine;
    }

    /**
     * Core part of a reset (ARMv7-M B1.5.5 TakeReset; facts-cortexm.md §8): thread mode,
     * privileged, on MSP, masks clear, MSP and PC from the vector table at address 0.
     *
     * @return false if the vector table could not be read (lockup)
     */
    public boolean reset() {
        sleeping = false;
        sleepingInWfe = false;
        eventRegister = false;
        wfeHint = false;
        lockedUp = false;
        preciseFaultPc = -1;
        readOnlyStores.clear();
        cpu.write(CpuRegister.XPSR, 1 << 24);
        cpu.write(CpuRegister.CONTROL, 0);
        cpu.write(CpuRegister.PRIMASK, 0);
        cpu.write(CpuRegister.BASEPRI, 0);
        cpu.write(CpuRegister.FAULTMASK, 0);
        for (CpuRegister r : new CpuRegister[]{CpuRegister.R0, CpuRegister.R1, CpuRegister.R2, CpuRegister.R3,
                CpuRegister.R4, CpuRegister.R5, CpuRegister.R6, CpuRegister.R7, CpuRegister.R8, CpuRegister.R9,
                CpuRegister.R10, CpuRegister.R11, CpuRegister.R12}) {
            cpu.write(r, 0);
        }
        if (cpu.model().hasFpu()) {
            for (int i = 0; i < 32; i++) {
                cpu.write(CpuRegister.s(i), 0);
            }
            cpu.write(CpuRegister.FPSCR, 0);
        }
        cpu.write(CpuRegister.PSP, 0);
        cpu.write(CpuRegister.LR, 0xFFFF_FFFF);
        cpu.refreshExecutionState();
        int sp;
        int pc;
        try {
            sp = memory.read32(0);
            pc = memory.read32(4);
        } catch (BusErrorException e) {
            lockup(0, "the vector table at 0x00000000 cannot be read at reset");
            return false;
        }
        // The initial SP is word aligned by the core: CubeF1's linker scripts use odd values
        // such as 0x20004FFF (facts-stm32f1.md §1.1).
        cpu.write(CpuRegister.MSP, sp & ~3);
        cpu.write(PC, pc);
        return true;
    }

    public boolean isSleeping() {
        return sleeping;
    }

    public boolean isLockedUp() {
        return lockedUp;
    }

    /** Whether a pending exception would wake the sleeping core (facts-cortexm.md §7). */
    public boolean wakeCondition() {
        int exc = nvic.highestPending();
        if (exc == 0) {
            return false;
        }
        // WFI ignores PRIMASK; WFE wakes only for what would really be taken.
        int prio = sleepingInWfe ? engine.executionPriority() : engine.wakePriority();
        return nvic.canPreempt(exc, prio);
    }

    public void wake() {
        sleeping = false;
        sleepingInWfe = false;
    }

    /**
     * Whether an exception is pending that only PRIMASK, BASEPRI or FAULTMASK holds back.
     * Unmasking (CPSIE, MSR BASEPRI) cannot be trapped, so the machine runs short slices
     * while this holds (facts-unicorn.md §7.4).
     */
    public boolean hasMaskedPending() {
        int exc = nvic.highestPending();
        return exc != 0 && nvic.canPreempt(exc, nvic.activePriority()) && !nvic.canPreempt(exc, engine.executionPriority());
    }

    /** Whether the highest pending exception would be taken now (the masked-pending probe). */
    public boolean canTakePendingNow() {
        int exc = nvic.highestPending();
        return exc != 0 && nvic.canPreempt(exc, engine.executionPriority());
    }

    /** Takes the highest-priority pending exception if it preempts (between slices). */
    public void takePendingException() {
        int exc = nvic.highestPending();
        if (exc == 0) {
            return;
        }
        if (nvic.canPreempt(exc, engine.executionPriority())) {
            enter(exc, cpu.read(PC), false);
        }
    }

    /**
     * An unprivileged access to the System Control Space: a precise BusFault with BFAR set
     * (ARMv7-M B3.2.1). Called from inside the access; the run ends right after it and the
     * fault is taken with the faulting instruction as the stacked PC.
     */
    public void unprivilegedScsAccess(long address, boolean write) {
        FaultingInstructionLocator.Location at = locator.locate(cpu.currentBlockAddress(), cpu.currentBlockSize(),
                address, write);
        preciseFaultPc = at != null ? at.address() & 0xFFFF_FFFFL : cpu.currentBlockAddress();
        preciseFaultAddress = address;
        cpu.stopAfterCurrentAccess();
    }

    /** Applies pending read-only-store fix-ups (called before peripheral accesses). */
    public void applyStoreFixups() {
        if (readOnlyStores.hasPending()) {
            readOnlyStores.apply();
        }
    }

    /** Interprets how a run of the engine ended. */
    public void handleRunExit(RunExit exit) {
        applyStoreFixups();
        if (preciseFaultPc >= 0) {
            int pc = (int) preciseFaultPc;
            preciseFaultPc = -1;
            raiseFault(FaultKind.PRECISE_DATA_BUS_ERROR, pc, preciseFaultAddress, true,
                    String.format("unprivileged access to System Control Space register 0x%08x", preciseFaultAddress));
            return;
        }
        switch (exit.reason()) {
            case BUDGET, STOP_REQUESTED, TRAP_STOP -> {
            }
            case HALTED -> onHalted();
            case INVALID_INSTRUCTION -> {
                int pc = cpu.read(PC);
                boolean thumb = (cpu.read(CpuRegister.XPSR) & (1 << 24)) != 0;
                raiseFault(thumb ? FaultKind.UNDEFINED_INSTRUCTION : FaultKind.INVALID_STATE, pc, 0,
                        thumb ? "undefined instruction" : "execution with EPSR.T = 0");
            }
            case UNMAPPED_ACCESS -> onUnmapped();
            case PROTECTION_FAULT -> raiseFault(FaultKind.INSTRUCTION_ACCESS_VIOLATION, cpu.read(PC), 0,
                    "access without permission (engine code " + exit.engineCode() + ")");
            case ENGINE_ERROR -> host.stop(MachineStop.abnormal(MachineStop.Kind.ERROR, cpu.read(PC), host.nowPs(),
                    "CPU engine error " + exit.engineCode()));
            case CALLBACK_ERROR -> host.stop(MachineStop.abnormal(MachineStop.Kind.ERROR, cpu.read(PC), host.nowPs(),
                    "emulator error: " + exit.error()));
        }
    }

    // ---- CpuEventHandler ------------------------------------------------------------

    @Override
    public boolean onTrap(CpuTrap trap, int code) {
        int pc = cpu.read(PC);
        switch (trap) {
            case SUPERVISOR_CALL -> {
                return !raiseSynchronous(Exceptions.SVCALL, pc, null);
            }
            case BREAKPOINT -> {
                return onBreakpoint(pc);
            }
            case EXCEPTION_RETURN -> {
                return !exceptionReturn(pc | 1);
            }
            case PREFETCH_ABORT -> {
                if ((pc & 0xFFFF_FF00) == 0xFFFF_FF00 && engine.currentException() != 0) {
                    // Branch to EXC_RETURN that the engine did not recognise (stale hflags).
                    return !exceptionReturn(pc | 1);
                }
                return !raiseFault(FaultKind.INSTRUCTION_ACCESS_VIOLATION, pc, 0, "instruction fetch from execute-never memory");
            }
            case NO_COPROCESSOR -> {
                return !raiseFault(FaultKind.NO_COPROCESSOR, pc, 0, "coprocessor instruction without an FPU");
            }
            case INVALID_STATE -> {
                return !raiseFault(FaultKind.INVALID_STATE, pc, 0, "execution with EPSR.T = 0");
            }
            case UNALIGNED -> {
                return !raiseFault(FaultKind.UNALIGNED, pc, 0, "unaligned access");
            }
            case DATA_ABORT -> {
                return !raiseFault(FaultKind.PRECISE_DATA_BUS_ERROR, pc, 0, "data abort");
            }
            default -> {
                host.stop(MachineStop.abnormal(MachineStop.Kind.ERROR, pc, host.nowPs(), "unexpected CPU trap " + code));
                return true;
            }
        }
    }

    @Override
    public boolean onInvalidInstruction() {
        // WFE and YIELD arrive here with the PC after the hint (facts-unicorn.md §2.5).
        int pc = cpu.read(PC);
        int before = halfword(pc - 2);
        int before2 = halfword(pc - 4);
        boolean wfe = before == 0xBF20 || (before2 == 0xF3AF && before == 0x8002);
        boolean yield = before == 0xBF10 || (before2 == 0xF3AF && before == 0x8001);
        if (wfe) {
            wfeHint = true;
            return true;
        }
        return yield;
    }

    @Override
    public void onUnmappedAccess(AccessKind kind, long address, int size, long value) {
        unmappedKind = kind;
        unmappedAddress = address;
    }

    @Override
    public void onWriteToReadOnly(long address, int size, long value) {
        if (readOnlyStores.onStore(address, size, value)) {
            cpu.requestBlockCallback();
        }
    }

    @Override
    public void onBlockBoundary() {
        applyStoreFixups();
    }

    // ---- internals ------------------------------------------------------------------

    private void onHalted() {
        int pc = cpu.read(PC);
        if (wfeHint) {
            wfeHint = false;
            if (eventRegister) {
                eventRegister = false; // WFE consumes a set event register and continues
            } else {
                sleeping = true;
                sleepingInWfe = true;
            }
            return;
        }
        boolean wfi = halfword(pc - 2) == 0xBF30 || (halfword(pc - 4) == 0xF3AF && halfword(pc - 2) == 0x8003);
        if (wfi && !wakeCondition()) {
            sleeping = true;
            sleepingInWfe = false;
        }
    }

    private void onUnmapped() {
        int pc = cpu.read(PC);
        AccessKind kind = unmappedKind == null ? AccessKind.READ : unmappedKind;
        unmappedKind = null;
        if (kind == AccessKind.FETCH) {
            raiseFault(FaultKind.INSTRUCTION_BUS_ERROR, unmappedAddress == 0 ? pc : (int) unmappedAddress, unmappedAddress,
                    true, String.format("instruction fetch from 0x%08x, where there is no memory", unmappedAddress));
            return;
        }
        // The engine's PC is the block start; find the instruction that made the access.
        FaultingInstructionLocator.Location at = locator.locate(pc & 0xFFFF_FFFFL, cpu.currentBlockSize(),
                unmappedAddress, kind == AccessKind.WRITE);
        int faultPc = at != null ? at.address() : pc;
        boolean precise = at != null && at.unique();
        if (kind == AccessKind.READ) {
            raiseFault(FaultKind.PRECISE_DATA_BUS_ERROR, faultPc, unmappedAddress, precise,
                    String.format("load from 0x%08x, where there is no memory", unmappedAddress));
        } else {
            // Stores to bufferable memory fault imprecisely on Cortex-M3/M4 (write buffer).
            raiseFault(FaultKind.IMPRECISE_DATA_BUS_ERROR, faultPc, unmappedAddress, precise,
                    String.format("store to 0x%08x, where there is no memory", unmappedAddress));
        }
    }

    private boolean onBreakpoint(int pc) {
        int insn = halfword(pc);
        if (insn != BKPT_SEMIHOSTING) {
            host.stop(MachineStop.abnormal(MachineStop.Kind.BREAKPOINT, pc, host.nowPs(),
                    String.format("BKPT #%d at 0x%08x with no debugger attached", insn & 0xFF, pc)));
            return true;
        }
        Semihosting.Result r = semihosting.call(cpu.read(CpuRegister.R0), cpu.read(CpuRegister.R1));
        if (r.exitCode() != null) {
            host.stop(MachineStop.exited(r.exitCode(), pc, host.nowPs()));
            return true;
        }
        cpu.write(CpuRegister.R0, r.r0());
        cpu.write(PC, (pc + 2) | 1);
        return false;
    }

    /**
     * Exception return (ARMv7-M B1.5.8): checks EXC_RETURN, deactivates, tail-chains into
     * a pending exception that now preempts, or unstacks.
     *
     * @return false on lockup
     */
    private boolean exceptionReturn(int excReturn) {
        ExceptionEngine.ReturnCheck check = engine.validateReturn(excReturn);
        if (check.result() != ExceptionEngine.Result.OK) {
            return raiseFault(FaultKind.INVALID_PC, excReturn, 0, String.format("bad exception return 0x%08x", excReturn));
        }
        eventRegister = true; // exception return sets the event register
        int next = nvic.highestPending();
        if (next != 0 && nvic.canPreempt(next, engine.executionPriority())) {
            return enter(next, excReturn, true);
        }
        ExceptionEngine.Result r = engine.unstack(excReturn);
        if (r == ExceptionEngine.Result.UNSTACKING_FAILED) {
            return raiseFault(FaultKind.UNSTACKING_BUS_ERROR, excReturn, 0, "exception frame cannot be read back");
        }
        if (r == ExceptionEngine.Result.INVALID_RETURN) {
            return raiseFault(FaultKind.INVALID_PC, cpu.read(PC), 0, "exception return to a mode that disagrees with the frame");
        }
        if (nvic.anyPending()) {
            // Something pending stays masked after the return (e.g. behind PRIMASK): let the
            // machine re-evaluate at the next block so it can watch for the unmasking.
            cpu.requestStop();
        }
        if (check.toThread() && nvic.activeCount() == 0 && (scb.scr() & SystemControlBlock.SCR_SLEEPONEXIT) != 0) {
            // Sleep instead of resuming thread code; the next interrupt pushes the same frame
            // again, which is observably the same as not unstacking (facts-cortexm.md §4).
            sleeping = true;
            sleepingInWfe = false;
            cpu.requestStop();
        }
        return true;
    }

    /** Raises a fault: records CFSR/BFAR, reports it, and takes it (or escalates). */
    private boolean raiseFault(FaultKind kind, int returnAddress, long address, String detail) {
        return raiseFault(kind, returnAddress, address, true, detail);
    }

    private boolean raiseFault(FaultKind kind, int returnAddress, long address, boolean precise, String detail) {
        int bits = kind.cfsrBits();
        scb.recordFault(bits, 0);
        if ((bits & SystemControlBlock.CFSR_BFARVALID) != 0) {
            scb.setBfar((int) address);
        }
        events.publish(new MachineEvent.Fault(host.nowPs(), kind.name(), returnAddress, precise, address, registers(),
                detail));
        return raiseSynchronous(kind.handler(), returnAddress, kind);
    }

    /**
     * Takes a synchronous exception, escalating to HardFault when its handler is disabled
     * or cannot preempt, and locking up when HardFault itself cannot (facts-cortexm.md §5.2).
     *
     * @return false on lockup
     */
    private boolean raiseSynchronous(int exc, int returnAddress, FaultKind kind) {
        int execPrio = engine.executionPriority();
        int target = exc;
        if (exc != Exceptions.HARD_FAULT && (!nvic.isEnabled(exc) || !nvic.canPreempt(exc, execPrio))) {
            target = Exceptions.HARD_FAULT;
            scb.recordFault(0, SystemControlBlock.HFSR_FORCED);
        }
        if (target == Exceptions.HARD_FAULT && !nvic.canPreempt(Exceptions.HARD_FAULT, execPrio)) {
            lockup(returnAddress, "fault in " + Exceptions.name(engine.currentException())
                    + (kind != null ? " (" + kind + ")" : "") + " cannot be escalated");
            return false;
        }
        return enter(target, returnAddress, false);
    }

    private boolean enter(int exc, int returnAddress, boolean tailChain) {
        int excReturn = tailChain ? returnAddress : 0;
        ExceptionEngine.Result r = tailChain ? engine.tailChain(exc, excReturn) : engine.enter(exc, returnAddress);
        if (events.hasSubscribers()) {
            events.publish(new MachineEvent.ExceptionEntry(host.nowPs(), exc, Exceptions.name(exc), returnAddress, tailChain));
        }
        switch (r) {
            case OK -> {
                return true;
            }
            case STACKING_FAILED -> {
                if (exc == Exceptions.HARD_FAULT || engine.currentException() == Exceptions.HARD_FAULT) {
                    lockup(returnAddress, "stacking for " + Exceptions.name(exc) + " failed in HardFault");
                    return false;
                }
                return raiseFault(FaultKind.STACKING_BUS_ERROR, returnAddress, 0,
                        "the exception frame for " + Exceptions.name(exc) + " cannot be written");
            }
            case VECTOR_FAILED -> {
                scb.recordFault(0, SystemControlBlock.HFSR_VECTTBL);
                if (exc == Exceptions.HARD_FAULT) {
                    lockup(returnAddress, "the HardFault vector cannot be read");
                    return false;
                }
                // The frame is already pushed: chain straight into HardFault with its EXC_RETURN.
                nvic.deactivate(exc);
                return enter(Exceptions.HARD_FAULT, cpu.read(CpuRegister.LR), true);
            }
            default -> {
                return true;
            }
        }
    }

    private void lockup(int pc, String reason) {
        lockedUp = true;
        events.publish(new MachineEvent.Lockup(host.nowPs(), pc, reason));
        host.stop(MachineStop.abnormal(MachineStop.Kind.LOCKUP, pc, host.nowPs(),
                String.format("lockup at PC 0x%08x: %s", pc, reason)));
    }

    private int[] registers() {
        int[] regs = new int[17];
        CpuRegister[] order = CpuRegister.coreRegisters();
        for (int i = 0; i < order.length; i++) {
            regs[i] = cpu.read(order[i]);
        }
        regs[16] = cpu.read(CpuRegister.XPSR);
        return regs;
    }

    private int halfword(long address) {
        try {
            return memory.read(address & 0xFFFF_FFFFL, 2);
        } catch (BusErrorException e) {
            return -1;
        }
    }
}
