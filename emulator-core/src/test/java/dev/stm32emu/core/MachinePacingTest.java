package dev.stm32emu.core;

import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.core.time.Pacing;
import dev.stm32emu.core.time.Ticks;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each {@link Pacing} makes the host wait for. Only lower bounds on wall time are asserted
 * (a sleep that must last at least so long), never how fast something runs.
 */
class MachinePacingTest {
    private static final int RESET = 0x0800_0100;
    private static final short WFI = (short) 0xBF30;
    private static final short BRANCH_BACK_TO_WFI = (short) 0xE7FD;  // b .-2
    private static final short BRANCH_TO_SELF = (short) 0xE7FE;      // b .

    private static Machine machine(Pacing pacing, short... code) {
        Machine m = new Machine(MachineConfig.generic(CpuModel.CORTEX_M3, new CapturingConsole()));
        MemorySegment flash = m.allocate(64 << 10, 0xFF);
        m.addMemory("flash", 0x0800_0000L, flash, MemoryPermissions.RX, null);
        m.addMemory("flash (boot alias)", 0, flash, MemoryPermissions.RX, null);
        m.addMemory("sram", 0x2000_0000L, m.allocate(16 << 10, 0), MemoryPermissions.RWX, null);
        m.memory().write32(0x0800_0000L, 0x2000_4000);
        m.memory().write32(0x0800_0004L, RESET | 1);
        for (int i = 0; i < code.length; i++) {
            m.memory().write(RESET + 2L * i, 2, code[i]);
        }
        m.setPacing(pacing);
        m.powerOn();
        return m;
    }

    private static long wallMsOfRun(Machine m, String duration) {
        long t0 = System.nanoTime();
        MachineStop stop = m.run(Ticks.parseDuration(duration));
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(MachineStop.Kind.TIMEOUT, stop.kind(), stop.message());
        assertEquals(Ticks.parseDuration(duration), m.clock().nowPs(), "virtual time is the same under any pacing");
        return wallMs;
    }

    @Test
    void aSleepingCoreWaitsOutItsSleepInWallTimeWhenIdlePaced() {
        try (Machine m = machine(Pacing.IDLE_REAL_TIME, WFI, BRANCH_BACK_TO_WFI)) {
            long wallMs = wallMsOfRun(m, "300ms");
            assertTrue(wallMs >= 280, "300 ms of sleep took only " + wallMs + " ms of wall time");
        }
    }

    @Test
    void aSleepingCoreWaitsOutItsSleepInWallTimeWhenRealTime() {
        try (Machine m = machine(Pacing.REAL_TIME, WFI, BRANCH_BACK_TO_WFI)) {
            long wallMs = wallMsOfRun(m, "300ms");
            assertTrue(wallMs >= 280, "300 ms of sleep took only " + wallMs + " ms of wall time");
        }
    }

    @Test
    void aBusyCoreIsNotHeldBackWhenIdlePaced() {
        // 10 s of virtual busy-looping at 8 MHz is 80 M instructions: far less than 10 s of
        // wall time on any host that can run the suite, but exactly 10 s if it were paced.
        try (Machine m = machine(Pacing.IDLE_REAL_TIME, BRANCH_TO_SELF)) {
            long wallMs = wallMsOfRun(m, "10s");
            assertTrue(wallMs < 9_000, "busy code was paced: 10 s of virtual time took " + wallMs + " ms");
        }
    }
}
