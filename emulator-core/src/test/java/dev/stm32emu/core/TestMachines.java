package dev.stm32emu.core;

import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.core.image.FirmwareImage;
import dev.stm32emu.core.image.ImageLoader;
import dev.stm32emu.core.semihosting.CapturingConsole;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** Generic Cortex-M machines for core tests: flash 1 MiB at 0x08000000 aliased at 0, SRAM 128 KiB. */
public final class TestMachines {
    public static final long FLASH = 0x0800_0000L;
    public static final long SRAM = 0x2000_0000L;

    private TestMachines() {
    }

    /** A machine with its console. */
    public record Booted(Machine machine, CapturingConsole console) implements AutoCloseable {
        @Override
        public void close() {
            machine.close();
        }
    }

    public static Booted generic(CpuModel model, Path firmware) throws Exception {
        return generic(model, firmware, true);
    }

    public static Booted generic(CpuModel model, Path firmware, boolean nativeBlockHook) throws Exception {
        CapturingConsole console = new CapturingConsole();
        Machine m = new Machine(MachineConfig.generic(model, console),
                new dev.stm32emu.core.cpu.unicorn.UnicornBackend(model, nativeBlockHook));
        MemorySegment flash = m.allocate(1 << 20, 0xFF);
        m.addMemory("flash", FLASH, flash, MemoryPermissions.RX, null);
        m.addMemory("boot alias (flash)", 0, flash, MemoryPermissions.RX, null);
        m.addMemory("sram", SRAM, m.allocate(128 << 10, 0), MemoryPermissions.RWX, null);
        m.enableBitBand();
        FirmwareImage image = ImageLoader.load(firmware, FLASH);
        for (FirmwareImage.Segment s : image.segments()) {
            m.memory().writeBytes(s.address(), s.data());
        }
        m.powerOn();
        return new Booted(m, console);
    }

    /** The firmware-samples build folder. */
    public static Path firmwareDir() {
        String dir = System.getProperty("firmware.dir");
        if (dir == null) {
            dir = Path.of("").toAbsolutePath().getParent().resolve("firmware-samples/build").toString();
        }
        return Path.of(dir);
    }
}
