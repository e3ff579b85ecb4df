package dev.stm32emu.cli;

import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.boards.BoardOptions;
import dev.stm32emu.boards.DefinitionException;
import dev.stm32emu.boards.DefinitionLoader;
import dev.stm32emu.core.MachineStop;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.time.Ticks;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * `stm32emu demo`: a guided first run. It boots one of the project's CPU test programs on
 * the bare Cortex-M3 board and explains what happened: the reset vector, the exceptions
 * taken, the firmware's own output and its exit code.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Boot a sample firmware and show what the emulated core did.")
public final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() throws DefinitionException {
        Path firmware = Samples.require("cpu/pendsv_svc-m3.elf");
        BoardDefinition def = new DefinitionLoader().board("generic-m3");
        System.out.println("stm32emu demo: booting " + Samples.home().relativize(firmware) + " on " + def.name()
                + " (" + def.description() + ")");
        Map<String, Integer> taken = new TreeMap<>();
        StreamConsole console = new StreamConsole(System.out, System.err, System.in);
        try (BoardSession session = new BoardSession(def, BoardOptions.defaults(console), System.err)) {
            session.load(firmware, def.memory().flash().base());
            session.board().machine().events().subscribe(e -> {
                if (e instanceof MachineEvent.Reset r) {
                    System.out.printf("reset: the core read MSP=0x%08x and the reset handler 0x%08x from the vector "
                            + "table at 0x00000000 (aliasing flash)%n", r.initialSp(), r.initialPc());
                    System.out.println("--- firmware output (semihosting) ---");
                } else if (e instanceof MachineEvent.ExceptionEntry x) {
                    taken.merge(x.name(), 1, Integer::sum);
                }
            });
            long t0 = System.nanoTime();
            MachineStop stop = session.run(Ticks.parseDuration("10s"));
            double wall = (System.nanoTime() - t0) / 1e9;
            System.out.println("--- end of firmware output ---");
            long cycles = session.board().machine().clock().cycles();
            System.out.printf("The firmware ran %d cycles (%ss of virtual time at %d MHz) in %.2f s of wall time.%n", cycles,
                    Ticks.formatSeconds(stop.timePs()), session.board().machine().clock().coreHz() / 1_000_000, wall);
            System.out.println("Exceptions taken: " + (taken.isEmpty() ? "none" : taken));
            System.out.println("It stopped because: " + stop.message());
            System.out.println();
            System.out.println("Next: stm32emu run --board generic-m4 --firmware firmware-samples/build/cpu/fp_context-m4.elf");
            return session.exitCode(stop);
        }
    }
}
