package dev.stm32emu.core;

import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.time.Ticks;

import java.nio.file.Path;

/** Manual runner: java ... SmokeRun m3|m4 file.elf */
public final class SmokeRun {
    public static void main(String[] args) throws Exception {
        CpuModel model = args[0].equals("m4") ? CpuModel.CORTEX_M4 : CpuModel.CORTEX_M3;
        try (TestMachines.Booted b = TestMachines.generic(model, Path.of(args[1]))) {
            b.machine().events().subscribe(e -> {
                if (!(e instanceof dev.stm32emu.core.event.MachineEvent.ExceptionEntry) || args.length > 2) {
                    System.err.println("EVENT " + e);
                }
            });
            long t0 = System.nanoTime();
            MachineStop stop = b.machine().run(Ticks.parseDuration("10s"));
            System.out.print(b.console().stdoutText());
            System.out.println("STOP " + stop + " wall=" + (System.nanoTime() - t0) / 1e6 + "ms");
        }
    }
}
