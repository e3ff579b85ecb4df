package dev.stm32emu.core.cpu.unicorn;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the parts of Debian's libunicorn.so.2 (unicorn 2.0.1) that
 * stm32emu uses. Signatures follow /usr/include/unicorn/unicorn.h of that version;
 * the variadic ones are declared as facts-unicorn.md §5 measured.
 */
final class UnicornLibrary {
    static final int UC_ARCH_ARM = 1;
    static final int UC_MODE_THUMB = 16;
    static final int UC_CPU_ARM_CORTEX_M3 = 8;
    static final int UC_CPU_ARM_CORTEX_M4 = 9;

    static final int UC_HOOK_INTR = 1;
    static final int UC_HOOK_BLOCK = 8;
    static final int UC_HOOK_MEM_UNMAPPED = 16 | 32 | 64;
    static final int UC_HOOK_MEM_WRITE_PROT = 256;
    static final int UC_HOOK_INSN_INVALID = 16384;

    static final int UC_MEM_READ_UNMAPPED = 19;
    static final int UC_MEM_WRITE_UNMAPPED = 20;
    static final int UC_MEM_FETCH_UNMAPPED = 21;

    static final int UC_PROT_READ = 1;
    static final int UC_PROT_WRITE = 2;
    static final int UC_PROT_EXEC = 4;

    static final int UC_ERR_OK = 0;
    static final int UC_ERR_READ_UNMAPPED = 6;
    static final int UC_ERR_WRITE_UNMAPPED = 7;
    static final int UC_ERR_FETCH_UNMAPPED = 8;
    static final int UC_ERR_INSN_INVALID = 10;
    static final int UC_ERR_WRITE_PROT = 12;
    static final int UC_ERR_READ_PROT = 13;
    static final int UC_ERR_FETCH_PROT = 14;

    /** UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1). */
    static final int CTL_SET_CPU_MODEL = 0x4400_0007;
    /** UC_CTL_READ_WRITE(UC_CTL_TB_REQUEST_CACHE, 2). */
    static final int CTL_TB_REQUEST_CACHE = 0xC800_0008;
    /** UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2). */
    static final int CTL_TB_REMOVE_CACHE = 0x4800_0009;

    static final FunctionDescriptor BLOCK_HOOK = FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS);
    static final FunctionDescriptor INTR_HOOK = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS);
    static final FunctionDescriptor INSN_INVALID_HOOK =
            FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_BOOLEAN, ADDRESS, ADDRESS);
    static final FunctionDescriptor MEM_EVENT_HOOK = FunctionDescriptor.of(
            java.lang.foreign.ValueLayout.JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS);
    static final FunctionDescriptor MMIO_READ = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS);
    static final FunctionDescriptor MMIO_WRITE = FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS);

    static final Linker LINKER = Linker.nativeLinker();

    final MethodHandle open;
    final MethodHandle close;
    final MethodHandle version;
    final MethodHandle strerror;
    final MethodHandle ctlSetModel;
    final MethodHandle ctlRequestCache;
    final MethodHandle ctlRemoveCache;
    final MethodHandle regRead;
    final MethodHandle regWrite;
    final MethodHandle memMapPtr;
    final MethodHandle memUnmap;
    final MethodHandle mmioMap;
    final MethodHandle hookAdd;
    final MethodHandle emuStart;
    final MethodHandle emuStop;

    private static volatile UnicornLibrary instance;

    private UnicornLibrary(SymbolLookup lib) {
        open = handle(lib, "uc_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        close = handle(lib, "uc_close", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        version = handle(lib, "uc_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        strerror = handle(lib, "uc_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        ctlSetModel = handle(lib, "uc_ctl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        ctlRequestCache = handle(lib, "uc_ctl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS),
                Linker.Option.firstVariadicArg(2));
        ctlRemoveCache = handle(lib, "uc_ctl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(2));
        // Critical: no upcalls happen inside, and heap arrays can be passed without copying
        // (facts-unicorn.md §5: 9-14 ns per register access).
        regRead = handle(lib, "uc_reg_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS),
                Linker.Option.critical(true));
        regWrite = handle(lib, "uc_reg_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS),
                Linker.Option.critical(true));
        memMapPtr = handle(lib, "uc_mem_map_ptr",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS));
        memUnmap = handle(lib, "uc_mem_unmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        mmioMap = handle(lib, "uc_mmio_map",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        // begin/end are fixed parameters in 2.0.1; nothing variadic follows for our hook types.
        hookAdd = handle(lib, "uc_hook_add",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(7));
        emuStart = handle(lib, "uc_emu_start",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        emuStop = handle(lib, "uc_emu_stop", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** The loaded library; fails with a message naming the Debian package when it is missing. */
    static UnicornLibrary get() {
        UnicornLibrary lib = instance;
        if (lib == null) {
            synchronized (UnicornLibrary.class) {
                lib = instance;
                if (lib == null) {
                    instance = lib = load();
                }
            }
        }
        return lib;
    }

    private static UnicornLibrary load() {
        String name = System.getProperty("stm32emu.unicorn.lib", "libunicorn.so.2");
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(name, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new UnicornException("cannot load " + name
                    + ": install the unicorn engine (apt-get install libunicorn2)", e);
        }
        return new UnicornLibrary(lookup);
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = lib.find(name)
                .orElseThrow(() -> new UnicornException("libunicorn has no symbol " + name + " (need unicorn 2.0.1 or newer)"));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    String errorText(int code) {
        try {
            MemorySegment s = (MemorySegment) strerror.invokeExact(code);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "unicorn error " + code;
        }
    }
}
