package dev.stm32emu.core.cpu.unicorn;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The native block hook (src/main/c/blockhook.c), built with the module and loaded from
 * the classpath. It keeps time in C and calls Java only when Java asked for attention,
 * which makes the engine several times faster than a Java upcall per block.
 *
 * <p>Selected with the system property {@code stm32emu.blockhook}: {@code auto} (default:
 * native when the library loads, else the Java hook), {@code native} (fail if it cannot
 * load) or {@code java}.
 */
final class NativeBlockHook {
    // Offsets into struct hook_state.
    static final long BUDGET = 0;
    static final long EXECUTED = 8;
    static final long ATTENTION = 16;
    static final long STOP_CAUSE = 20;
    static final long BLOCK_ADDRESS = 24;
    static final long BLOCK_SIZE = 32;
    static final long CLEAR = 36;
    static final long JAVA_SLOW = 40;

    private static final String RESOURCE = "/native/linux-x86_64/libstm32emu-blockhook.so";
    private static volatile Optional<NativeBlockHook> loaded;

    final MemorySegment hook;
    final long stateSize;

    private NativeBlockHook(MemorySegment hook, long stateSize) {
        this.hook = hook;
        this.stateSize = stateSize;
    }

    /** The shim, unless the property says "java" or it cannot be loaded in "auto" mode. */
    static Optional<NativeBlockHook> get() {
        Optional<NativeBlockHook> l = loaded;
        if (l == null) {
            synchronized (NativeBlockHook.class) {
                l = loaded;
                if (l == null) {
                    loaded = l = load();
                }
            }
        }
        return l;
    }

    private static Optional<NativeBlockHook> load() {
        String mode = System.getProperty("stm32emu.blockhook", "auto");
        if (mode.equals("java")) {
            return Optional.empty();
        }
        try {
            UnicornLibrary.get(); // libunicorn first, so the shim's dependency resolves to it
            Path lib = extract();
            SymbolLookup lookup = SymbolLookup.libraryLookup(lib, Arena.global());
            MemorySegment hook = lookup.find("stm32emu_block_hook").orElseThrow();
            MemorySegment sizeFn = lookup.find("stm32emu_block_hook_state_size").orElseThrow();
            long size = (long) UnicornLibrary.LINKER.downcallHandle(sizeFn, FunctionDescriptor.of(JAVA_LONG)).invokeExact();
            return Optional.of(new NativeBlockHook(hook, size));
        } catch (Throwable t) {
            if (mode.equals("native")) {
                throw new UnicornException("the native block hook cannot be loaded: " + t, t);
            }
            System.getLogger("stm32emu.cpu").log(System.Logger.Level.INFO,
                    "native block hook unavailable (" + t.getMessage() + "); using the Java hook");
            return Optional.empty();
        }
    }

    private static Path extract() throws IOException {
        URL url = NativeBlockHook.class.getResource(RESOURCE);
        if (url == null) {
            throw new IOException(RESOURCE + " is not on the classpath");
        }
        if (url.getProtocol().equals("file")) {
            return Path.of(java.net.URI.create(url.toString()));
        }
        Path tmp = Files.createTempFile("stm32emu-blockhook", ".so");
        tmp.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
