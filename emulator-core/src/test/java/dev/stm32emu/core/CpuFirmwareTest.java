package dev.stm32emu.core;

import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.time.Ticks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer 4: our CPU test programs (firmware-samples/cpu) booted on the generic machines.
 * Each prints what it checked and exits through semihosting; the manifest the firmware
 * build writes (build/tests.tsv) gives the expected exit code and last line.
 */
class CpuFirmwareTest {

    record Case(String image, int exitCode, String lastLine) {
        @Override
        public String toString() {
            return image;
        }
    }

    static Stream<Case> cases() throws IOException {
        Path manifest = TestMachines.firmwareDir().resolve("tests.tsv");
        assertTrue(Files.isRegularFile(manifest), "firmware manifest missing: " + manifest
                + " (build firmware-samples: needs gcc-arm-none-eabi)");
        List<Case> out = new ArrayList<>();
        for (String line : Files.readAllLines(manifest)) {
            String[] f = line.split("\t");
            if (f[0].equals("image")) {
                continue;
            }
            out.add(new Case(f[0], Integer.parseInt(f[1]), f[2]));
        }
        assertFalse(out.isEmpty(), "no test images in " + manifest);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void firmwareReportsPassAndExitsWithItsCode(Case c) throws Exception {
        CpuModel model = c.image().endsWith("-m4.elf") ? CpuModel.CORTEX_M4 : CpuModel.CORTEX_M3;
        try (TestMachines.Booted b = TestMachines.generic(model, TestMachines.firmwareDir().resolve(c.image()))) {
            MachineStop stop = b.machine().run(Ticks.parseDuration("60s"));
            String out = b.console().stdoutText();
            assertEquals(MachineStop.Kind.EXITED, stop.kind(), () -> stop.message() + "\n" + out);
            assertEquals(c.exitCode(), stop.exitCode(), out);
            String[] lines = out.strip().split("\n");
            assertEquals(c.lastLine(), lines[lines.length - 1].strip(), out);
        }
    }

    @Test
    void sameFirmwareTakesTheSameCyclesOnEveryRun() throws Exception {
        Path image = TestMachines.firmwareDir().resolve("cpu/systick-m3.elf");
        long[] cycles = new long[2];
        long[] exceptions = new long[2];
        for (int i = 0; i < 2; i++) {
            try (TestMachines.Booted b = TestMachines.generic(CpuModel.CORTEX_M3, image)) {
                int run = i;
                b.machine().events().subscribe(e -> {
                    if (e instanceof MachineEvent.ExceptionEntry) {
                        exceptions[run]++;
                    }
                });
                b.machine().run(Ticks.parseDuration("60s"));
                cycles[i] = b.machine().clock().cycles();
            }
        }
        assertTrue(cycles[0] > 100_000, "the program ran: " + cycles[0]);
        assertEquals(cycles[0], cycles[1], "cycle counts differ between runs");
        assertEquals(exceptions[0], exceptions[1], "exception counts differ between runs");
    }

    @Test
    void timeoutStopsTheMachineAtTheGivenVirtualTime() throws Exception {
        Path image = TestMachines.firmwareDir().resolve("cpu/systick-m3.elf");
        try (TestMachines.Booted b = TestMachines.generic(CpuModel.CORTEX_M3, image)) {
            MachineStop stop = b.machine().run(Ticks.parseDuration("20ms"));
            assertEquals(MachineStop.Kind.TIMEOUT, stop.kind());
            assertEquals(124, stop.exitCode());
            assertTrue(Math.abs(stop.timePs() - Ticks.parseDuration("20ms")) < Ticks.parseDuration("10us"),
                    "stopped at " + stop.timePs());
            assertTrue(stop.message().contains("PC was 0x"), stop.message());
        }
    }
}
