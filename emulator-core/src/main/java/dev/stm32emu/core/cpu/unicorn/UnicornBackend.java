package dev.stm32emu.core.cpu.unicorn;

import dev.stm32emu.core.cpu.AccessKind;
import dev.stm32emu.core.cpu.CpuBackend;
import dev.stm32emu.core.cpu.CpuEventHandler;
import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.cpu.CpuRegister;
import dev.stm32emu.core.cpu.CpuTrap;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.core.cpu.MmioHandler;
import dev.stm32emu.core.cpu.RunExit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@link CpuBackend} on Debian's unicorn 2.0.1 through java.lang.foreign.
 *
 * <p>Time slicing follows facts-unicorn.md §7: a block hook adds up each executed
 * block's instruction count and calls {@code uc_emu_stop} at a block boundary, the only
 * place where stopping does not replay instructions. A stop requested in the block hook
 * prevents that block from executing (measured: the PC is the block's start), so the
 * block is counted only when it runs.
 *
 * <p>Every upcall catches everything: an exception escaping into native code would kill
 * the JVM (facts-unicorn.md §5). A failure is remembered, the run is stopped at the next
 * block boundary, and {@link #run} reports it.
 */
public final class UnicornBackend implements CpuBackend {
    /** Never a fetch address (PCs are even), so the engine's "until" never triggers. */
    private static final long NO_UNTIL = 0xFFFF_FFFFL;
    private static final Set<CpuRegister> PRIVILEGED_ACCESS = EnumSet.of(
            CpuRegister.MSP, CpuRegister.PSP, CpuRegister.PRIMASK, CpuRegister.BASEPRI,
            CpuRegister.FAULTMASK, CpuRegister.CONTROL);

    private final UnicornLibrary lib = UnicornLibrary.get();
    private final CpuModel model;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment uc;
    private final int[] regIds = new int[CpuRegister.values().length];
    private final int[] scratch = new int[1];
    private final MemorySegment scratchSeg = MemorySegment.ofArray(scratch);
    private final MemorySegment tbInfo;
    private final BlockSizeCache blockSizes = new BlockSizeCache();
    private final List<Object> keepAlive = new ArrayList<>();

    /** The native hook's shared state, or null when the Java hook keeps time. */
    private final MemorySegment nativeState;
    private static final java.lang.invoke.VarHandle ATTENTION =
            java.lang.foreign.ValueLayout.JAVA_INT.varHandle();

    private CpuEventHandler handler;
    private volatile boolean stopRequested;
    private boolean blockCallbackRequested;
    private java.util.function.LongPredicate blockProbe;
    private long blockAddress;
    private int blockSize;
    private long budget;
    private long executed;
    private RunExit.Reason stopCause;
    private Throwable callbackError;
    private boolean closed;

    /** A backend with the native block hook when it is available (see {@link NativeBlockHook}). */
    public UnicornBackend(CpuModel model) {
        this(model, true);
    }

    /**
     * @param preferNativeBlockHook false forces the pure-Java block hook (the fallback,
     *                              tested to give the same cycle counts)
     */
    public UnicornBackend(CpuModel model, boolean preferNativeBlockHook) {
        this.model = model;
        MemorySegment handleOut = arena.allocate(ADDRESS);
        check((int) invoke(lib.open, UnicornLibrary.UC_ARCH_ARM, UnicornLibrary.UC_MODE_THUMB, handleOut), "uc_open");
        uc = handleOut.get(ADDRESS, 0);
        // Must be the first call after uc_open; UC_MODE_MCLASS would force a Cortex-M33
        // whatever we ask (facts-unicorn.md §2.1).
        int cpu = model == CpuModel.CORTEX_M4 ? UnicornLibrary.UC_CPU_ARM_CORTEX_M4 : UnicornLibrary.UC_CPU_ARM_CORTEX_M3;
        check((int) invoke(lib.ctlSetModel, uc, UnicornLibrary.CTL_SET_CPU_MODEL, cpu), "uc_ctl(CPU_MODEL)");
        tbInfo = arena.allocate(16, 8);
        fillRegisterIds();
        java.util.Optional<NativeBlockHook> shim = preferNativeBlockHook ? NativeBlockHook.get()
                : java.util.Optional.empty();
        if (shim.isPresent()) {
            nativeState = arena.allocate(shim.get().stateSize, 64);
            nativeState.set(ADDRESS, NativeBlockHook.JAVA_SLOW,
                    upcall(this, "onBlockSlow", UnicornLibrary.BLOCK_HOOK));
        } else {
            nativeState = null;
        }
        installHooks(shim.orElse(null));
    }

    /** Whether time is kept by the native hook (else by a Java upcall per block). */
    public boolean usesNativeBlockHook() {
        return nativeState != null;
    }

    @Override
    public CpuModel model() {
        return model;
    }

    @Override
    public void setEventHandler(CpuEventHandler handler) {
        this.handler = handler;
    }

    @Override
    public int read(CpuRegister register) {
        if (PRIVILEGED_ACCESS.contains(register) && unprivilegedThread()) {
            return withHandlerPrivilege(() -> rawRead(register));
        }
        return rawRead(register);
    }

    @Override
    public void write(CpuRegister register, int value) {
        if (PRIVILEGED_ACCESS.contains(register) && unprivilegedThread()) {
            withHandlerPrivilege(() -> {
                rawWrite(register, value);
                return 0;
            });
            return;
        }
        rawWrite(register, value);
    }

    @Override
    public void refreshExecutionState() {
        // Only APSR/CPSR writes rebuild the engine's cached hflags (facts-unicorn.md §2.3).
        rawWrite(CpuRegister.APSR_NZCV, rawRead(CpuRegister.APSR_NZCV));
    }

    @Override
    public void mapMemory(long address, MemorySegment memory, MemoryPermissions perms) {
        int p = (perms.read() ? UnicornLibrary.UC_PROT_READ : 0)
                | (perms.write() ? UnicornLibrary.UC_PROT_WRITE : 0)
                | (perms.execute() ? UnicornLibrary.UC_PROT_EXEC : 0);
        check((int) invoke(lib.memMapPtr, uc, address, memory.byteSize(), p, memory),
                String.format("uc_mem_map_ptr(0x%08x, 0x%x)", address, memory.byteSize()));
        clearBlockSizes();
    }

    @Override
    public void unmap(long address, long size) {
        check((int) invoke(lib.memUnmap, uc, address, size), String.format("uc_mem_unmap(0x%08x, 0x%x)", address, size));
        clearBlockSizes();
    }

    @Override
    public void mapMmio(long address, long size, MmioHandler mmio) {
        MmioTrampoline t = new MmioTrampoline(mmio);
        keepAlive.add(t);
        MemorySegment read = upcall(t, "read", UnicornLibrary.MMIO_READ);
        MemorySegment write = upcall(t, "write", UnicornLibrary.MMIO_WRITE);
        check((int) invoke(lib.mmioMap, uc, address, size, read, MemorySegment.NULL, write, MemorySegment.NULL),
                String.format("uc_mmio_map(0x%08x, 0x%x)", address, size));
    }

    @Override
    public void invalidateCode(long address, long size) {
        invoke(lib.ctlRemoveCache, uc, UnicornLibrary.CTL_TB_REMOVE_CACHE, address, address + size);
        clearBlockSizes();
    }

    @Override
    public RunExit run(int pc, long instructionBudget) {
        if (handler == null) {
            throw new IllegalStateException("no CpuEventHandler installed");
        }
        budget = instructionBudget;
        executed = 0;
        stopCause = null;
        callbackError = null;
        if (nativeState != null) {
            nativeState.set(JAVA_LONG, NativeBlockHook.BUDGET, instructionBudget);
            nativeState.set(JAVA_LONG, NativeBlockHook.EXECUTED, 0L);
            nativeState.set(java.lang.foreign.ValueLayout.JAVA_INT, NativeBlockHook.STOP_CAUSE, 0);
        }
        int err;
        try {
            err = (int) lib.emuStart.invokeExact(uc, (pc | 1) & 0xFFFF_FFFFL, NO_UNTIL, 0L, 0L);
        } catch (Throwable t) {
            throw new UnicornException("uc_emu_start", t);
        }
        if (nativeState != null) {
            executed = nativeState.get(JAVA_LONG, NativeBlockHook.EXECUTED);
            if (stopCause == null && nativeState.get(java.lang.foreign.ValueLayout.JAVA_INT, NativeBlockHook.STOP_CAUSE) == 1) {
                stopCause = RunExit.Reason.BUDGET;
            }
        }
        if (callbackError != null) {
            return new RunExit(RunExit.Reason.CALLBACK_ERROR, executed, err, callbackError);
        }
        RunExit.Reason reason = switch (err) {
            case UnicornLibrary.UC_ERR_OK -> stopCause != null ? stopCause : RunExit.Reason.HALTED;
            case UnicornLibrary.UC_ERR_INSN_INVALID -> RunExit.Reason.INVALID_INSTRUCTION;
            case UnicornLibrary.UC_ERR_READ_UNMAPPED, UnicornLibrary.UC_ERR_WRITE_UNMAPPED,
                 UnicornLibrary.UC_ERR_FETCH_UNMAPPED -> RunExit.Reason.UNMAPPED_ACCESS;
            case UnicornLibrary.UC_ERR_WRITE_PROT, UnicornLibrary.UC_ERR_READ_PROT,
                 UnicornLibrary.UC_ERR_FETCH_PROT -> RunExit.Reason.PROTECTION_FAULT;
            default -> RunExit.Reason.ENGINE_ERROR;
        };
        return new RunExit(reason, executed, err, null);
    }

    @Override
    public void requestStop() {
        stopRequested = true;
        raiseAttention();
    }

    @Override
    public void setBlockProbe(java.util.function.LongPredicate probe) {
        this.blockProbe = probe;
        if (probe != null) {
            raiseAttention();
        }
    }

    @Override
    public void requestBlockCallback() {
        blockCallbackRequested = true;
        raiseAttention();
    }

    @Override
    public long currentBlockAddress() {
        return nativeState != null ? nativeState.get(JAVA_LONG, NativeBlockHook.BLOCK_ADDRESS) : blockAddress;
    }

    @Override
    public int currentBlockSize() {
        return nativeState != null ? nativeState.get(java.lang.foreign.ValueLayout.JAVA_INT, NativeBlockHook.BLOCK_SIZE)
                : blockSize;
    }

    @Override
    public void stopAfterCurrentAccess() {
        stopCause = RunExit.Reason.TRAP_STOP;
        emuStop();
    }

    @Override
    public long instructionsInCurrentRun() {
        return nativeState != null ? nativeState.get(JAVA_LONG, NativeBlockHook.EXECUTED) : executed;
    }

    /** Human-readable text for an engine error code. */
    public String errorText(int code) {
        return lib.errorText(code);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            invoke(lib.close, uc);
            // Upcall stubs and the scratch memory die with the arena; the engine is gone.
            arena.close();
        }
    }

    // ---- upcalls (each catches everything) ------------------------------------------

    @SuppressWarnings("unused") // called from native code
    private void onBlock(MemorySegment engine, long address, int size, MemorySegment user) {
        try {
            if (blockCallbackRequested) {
                blockCallbackRequested = false;
                handler.onBlockBoundary();
            }
            if (stopRequested || (blockProbe != null && blockProbe.test(address))) {
                stopRequested = false;
                stopAtThisBlock(RunExit.Reason.STOP_REQUESTED);
                return;
            }
            if (executed >= budget) {
                stopAtThisBlock(RunExit.Reason.BUDGET);
                return;
            }
            executed += instructionCount(address, size);
            blockAddress = address;
            blockSize = size;
        } catch (Throwable t) {
            fail(t);
            stopAtThisBlock(RunExit.Reason.CALLBACK_ERROR);
        }
    }

    @SuppressWarnings("unused")
    private void onInterrupt(MemorySegment engine, int intno, MemorySegment user) {
        try {
            CpuTrap trap = switch (intno) {
                case 2 -> CpuTrap.SUPERVISOR_CALL;
                case 3 -> CpuTrap.PREFETCH_ABORT;
                case 4 -> CpuTrap.DATA_ABORT;
                case 7 -> CpuTrap.BREAKPOINT;
                case 8 -> CpuTrap.EXCEPTION_RETURN;
                case 17 -> CpuTrap.NO_COPROCESSOR;
                case 18 -> CpuTrap.INVALID_STATE;
                case 22 -> CpuTrap.UNALIGNED;
                default -> CpuTrap.OTHER;
            };
            if (handler.onTrap(trap, intno)) {
                stopCause = RunExit.Reason.TRAP_STOP;
                emuStop();
            }
        } catch (Throwable t) {
            fail(t);
            // Stopping here leaves the PC at the trapping instruction, which is consistent.
            emuStop();
        }
    }

    @SuppressWarnings("unused")
    private boolean onInvalidInstruction(MemorySegment engine, MemorySegment user) {
        try {
            return handler.onInvalidInstruction();
        } catch (Throwable t) {
            fail(t);
            return false;
        }
    }

    @SuppressWarnings("unused")
    private boolean onMemoryEvent(MemorySegment engine, int type, long address, int size, long value, MemorySegment user) {
        try {
            switch (type) {
                case UnicornLibrary.UC_MEM_READ_UNMAPPED -> handler.onUnmappedAccess(AccessKind.READ, address, size, value);
                case UnicornLibrary.UC_MEM_WRITE_UNMAPPED -> handler.onUnmappedAccess(AccessKind.WRITE, address, size, value);
                case UnicornLibrary.UC_MEM_FETCH_UNMAPPED -> handler.onUnmappedAccess(AccessKind.FETCH, address, size, value);
                default -> {
                    // UC_MEM_WRITE_PROT: the engine performs the store after we return true;
                    // the handler restores what the hardware would keep.
                    handler.onWriteToReadOnly(address, size, value);
                    return true;
                }
            }
            return false;
        } catch (Throwable t) {
            fail(t);
            return false;
        }
    }

    // ---- internals --------------------------------------------------------------------

    private void stopAtThisBlock(RunExit.Reason reason) {
        stopCause = reason;
        emuStop();
    }

    private void fail(Throwable t) {
        if (callbackError == null) {
            callbackError = t;
        }
        stopRequested = true;
        raiseAttention();
    }

    private void raiseAttention() {
        if (nativeState != null) {
            ATTENTION.setVolatile(nativeState, NativeBlockHook.ATTENTION, 1);
        }
    }

    private void clearBlockSizes() {
        blockSizes.clear();
        if (nativeState != null) {
            nativeState.set(java.lang.foreign.ValueLayout.JAVA_INT, NativeBlockHook.CLEAR, 1);
        }
    }

    /**
     * The native hook's slow path: Java asked for attention. Same checks as the Java hook's
     * first half; attention is lowered first and re-raised if anything still wants it, so
     * a request from another thread in between is not lost.
     */
    @SuppressWarnings("unused") // called from native code
    private void onBlockSlow(MemorySegment engine, long address, int size, MemorySegment user) {
        try {
            ATTENTION.setVolatile(nativeState, NativeBlockHook.ATTENTION, 0);
            if (blockCallbackRequested) {
                blockCallbackRequested = false;
                handler.onBlockBoundary();
            }
            if (stopRequested || (blockProbe != null && blockProbe.test(address))) {
                stopRequested = false;
                stopCause = RunExit.Reason.STOP_REQUESTED;
                nativeState.set(java.lang.foreign.ValueLayout.JAVA_INT, NativeBlockHook.STOP_CAUSE, 2);
                emuStop();
            }
            if (stopRequested || blockCallbackRequested || blockProbe != null) {
                raiseAttention();
            }
        } catch (Throwable t) {
            fail(t);
            stopCause = RunExit.Reason.CALLBACK_ERROR;
            nativeState.set(java.lang.foreign.ValueLayout.JAVA_INT, NativeBlockHook.STOP_CAUSE, 2);
            emuStop();
        }
    }

    private int instructionCount(long address, int size) {
        long key = BlockSizeCache.key(address, size);
        int count = blockSizes.get(key);
        if (count < 0) {
            // The engine wants the block's address without the Thumb bit: with bit 0 set it
            // decodes from the wrong byte and reports a wrong count (measured).
            int err;
            try {
                err = (int) lib.ctlRequestCache.invokeExact(uc, UnicornLibrary.CTL_TB_REQUEST_CACHE, address, tbInfo);
            } catch (Throwable t) {
                throw new UnicornException("uc_ctl(TB_REQUEST_CACHE)", t);
            }
            count = err == 0 ? Short.toUnsignedInt(tbInfo.get(JAVA_SHORT, 8)) : Math.max(1, size / 2);
            blockSizes.put(key, count);
        }
        return count;
    }

    private boolean unprivilegedThread() {
        return rawRead(CpuRegister.IPSR) == 0 && (rawRead(CpuRegister.CONTROL) & 1) != 0;
    }

    /**
     * Host register accesses go through the guest's MRS/MSR helpers, so they obey guest
     * privilege; handler mode is always privileged (facts-unicorn.md §2.3 pitfall 1).
     */
    private int withHandlerPrivilege(java.util.function.IntSupplier action) {
        rawWrite(CpuRegister.IPSR, 1);
        try {
            return action.getAsInt();
        } finally {
            rawWrite(CpuRegister.IPSR, 0);
            refreshExecutionState();
        }
    }

    private int rawRead(CpuRegister register) {
        int err;
        try {
            err = (int) lib.regRead.invokeExact(uc, regIds[register.ordinal()], scratchSeg);
        } catch (Throwable t) {
            throw new UnicornException("uc_reg_read", t);
        }
        check(err, "uc_reg_read");
        return scratch[0];
    }

    private void rawWrite(CpuRegister register, int value) {
        scratch[0] = value;
        int err;
        try {
            err = (int) lib.regWrite.invokeExact(uc, regIds[register.ordinal()], scratchSeg);
        } catch (Throwable t) {
            throw new UnicornException("uc_reg_write", t);
        }
        check(err, "uc_reg_write");
    }

    private void emuStop() {
        try {
            int ignored = (int) lib.emuStop.invokeExact(uc);
        } catch (Throwable t) {
            throw new UnicornException("uc_emu_stop", t);
        }
    }

    private void installHooks(NativeBlockHook shim) {
        // Every hook is installed before the first run: hooks added later miss blocks that
        // are already translated (facts-unicorn.md §3).
        if (shim != null) {
            addHook(UnicornLibrary.UC_HOOK_BLOCK, shim.hook, nativeState);
        } else {
            addHook(UnicornLibrary.UC_HOOK_BLOCK, upcall(this, "onBlock", UnicornLibrary.BLOCK_HOOK));
        }
        addHook(UnicornLibrary.UC_HOOK_INTR, upcall(this, "onInterrupt", UnicornLibrary.INTR_HOOK));
        addHook(UnicornLibrary.UC_HOOK_INSN_INVALID, upcall(this, "onInvalidInstruction", UnicornLibrary.INSN_INVALID_HOOK));
        addHook(UnicornLibrary.UC_HOOK_MEM_UNMAPPED, upcall(this, "onMemoryEvent", UnicornLibrary.MEM_EVENT_HOOK));
        addHook(UnicornLibrary.UC_HOOK_MEM_WRITE_PROT, upcall(this, "onMemoryEvent", UnicornLibrary.MEM_EVENT_HOOK));
    }

    private void addHook(int type, MemorySegment callback) {
        addHook(type, callback, MemorySegment.NULL);
    }

    private void addHook(int type, MemorySegment callback, MemorySegment userData) {
        MemorySegment handle = arena.allocate(JAVA_LONG);
        check((int) invoke(lib.hookAdd, uc, handle, type, callback, userData, 1L, 0L), "uc_hook_add");
    }

    private MemorySegment upcall(Object target, String method, java.lang.foreign.FunctionDescriptor fd) {
        try {
            MethodType type = fd.toMethodType();
            MethodHandle mh = MethodHandles.privateLookupIn(target.getClass(), MethodHandles.lookup())
                    .findVirtual(target.getClass(), method, type)
                    .bindTo(target);
            return UnicornLibrary.LINKER.upcallStub(mh, fd, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("upcall " + method, e);
        }
    }

    private void fillRegisterIds() {
        // Numbering from /usr/include/unicorn/arm.h of unicorn 2.0.1.
        for (CpuRegister r : CpuRegister.values()) {
            regIds[r.ordinal()] = switch (r) {
                case R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12 -> 66 + r.ordinal() - CpuRegister.R0.ordinal();
                case SP -> 12;
                case LR -> 10;
                case PC -> 11;
                case XPSR -> 120;
                case APSR_NZCV -> 2;
                case IPSR -> 114;
                case MSP -> 115;
                case PSP -> 116;
                case CONTROL -> 117;
                case PRIMASK -> 123;
                case BASEPRI -> 124;
                case FAULTMASK -> 126;
                case FPSCR -> 6;
                default -> 79 + r.ordinal() - CpuRegister.S0.ordinal(); // S0..S31
            };
        }
    }

    private void check(int err, String what) {
        if (err != UnicornLibrary.UC_ERR_OK) {
            throw new UnicornException(what + " failed: " + lib.errorText(err) + " (" + err + ")");
        }
    }

    private static Object invoke(MethodHandle mh, Object... args) {
        try {
            return mh.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UnicornException("native call failed", t);
        }
    }

    /** Binds one MMIO window's read and write callbacks to its handler. */
    private final class MmioTrampoline {
        private final MmioHandler mmio;

        MmioTrampoline(MmioHandler mmio) {
            this.mmio = mmio;
        }

        @SuppressWarnings("unused")
        long read(MemorySegment engine, long offset, int size, MemorySegment user) {
            try {
                return mmio.read(offset, size) & 0xFFFF_FFFFL;
            } catch (Throwable t) {
                fail(t);
                return 0;
            }
        }

        @SuppressWarnings("unused")
        void write(MemorySegment engine, long offset, int size, long value, MemorySegment user) {
            try {
                mmio.write(offset, size, (int) value);
            } catch (Throwable t) {
                fail(t);
            }
        }
    }
}
