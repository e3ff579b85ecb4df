package dev.stm32emu.core;

import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.time.Ticks;

import java.nio.file.Path;

/** Manual speed probe: java ... SpeedRun file.elf */
public final class SpeedRun {
    public static void main(String[] args) throws Exception {
        for (int i = 0; i < 3; i++) {
            try (TestMachines.Booted b = TestMachines.generic(CpuModel.CORTEX_M3, Path.of(args[0]))) {
                long t0 = System.nanoTime();
                MachineStop stop = b.machine().run(Ticks.parseDuration("1000s"));
                double s = (System.nanoTime() - t0) / 1e9;
                long n = b.machine().clock().cycles();
                System.out.printf("%s: %d instructions in %.3f s = %.1f MIPS%n", stop.kind(), n, s, n / s / 1e6);
            }
        }
    }
}
