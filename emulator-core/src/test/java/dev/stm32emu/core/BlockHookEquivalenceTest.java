package dev.stm32emu.core;

import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.cpu.unicorn.UnicornBackend;
import dev.stm32emu.core.time.Ticks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native block hook (src/main/c/blockhook.c) and the pure-Java fallback keep time
 * the same way: same cycles, same output, same exit, on programs that exercise
 * interrupts, masking probes, faults and sleep.
 */
class BlockHookEquivalenceTest {

    @Test
    void nativeBlockHookIsBuiltAndLoaded() {
        try (UnicornBackend b = new UnicornBackend(CpuModel.CORTEX_M3)) {
            assertTrue(b.usesNativeBlockHook(), "the native hook should load in the test build (gcc + libunicorn-dev)");
        }
        try (UnicornBackend b = new UnicornBackend(CpuModel.CORTEX_M3, false)) {
            assertTrue(!b.usesNativeBlockHook());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu/systick-m3.elf", "cpu/masking-m4.elf", "cpu/tail_chain-m3.elf",
            "cpu/hardfault_busfault-m3.elf", "cpu/scs_unpriv_fault-m4.elf", "cpu/wfi_sleep-m3.elf",
            "cpu/fp_context-m4.elf", "cpu/sysreset_marker-m3.elf"})
    void javaAndNativeHooksGiveTheSameCyclesAndOutput(String image) throws Exception {
        CpuModel model = image.endsWith("-m4.elf") ? CpuModel.CORTEX_M4 : CpuModel.CORTEX_M3;
        long[] cycles = new long[2];
        String[] out = new String[2];
        int[] exit = new int[2];
        for (int i = 0; i < 2; i++) {
            try (TestMachines.Booted b = TestMachines.generic(model, TestMachines.firmwareDir().resolve(image), i == 0)) {
                MachineStop stop = b.machine().run(Ticks.parseDuration("60s"));
                cycles[i] = b.machine().clock().cycles();
                out[i] = b.console().stdoutText();
                exit[i] = stop.exitCode();
            }
        }
        assertEquals(out[0], out[1]);
        assertEquals(exit[0], exit[1]);
        assertEquals(cycles[0], cycles[1], "native vs Java hook cycle counts");
    }
}
