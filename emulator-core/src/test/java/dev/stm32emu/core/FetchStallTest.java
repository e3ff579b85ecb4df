package dev.stm32emu.core;

import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.cpu.CpuRegister;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.core.time.Ticks;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Machine#stallFetches}: code in the stalled region stops for the stall's length (as
 * firmware running from an STM32 flash that is being erased), code elsewhere goes on.
 * The program counts loop iterations in r0: {@code movs r0, #0; loop: adds r0, #1; b loop},
 * two cycles per round.
 */
class FetchStallTest {
    private static final long FLASH = 0x0800_0000L;
    private static final long SRAM = 0x2000_0000L;
    private static final short MOVS_R0_0 = (short) 0x2000;
    private static final short ADDS_R0_1 = (short) 0x3001;
    private static final short BRANCH_BACK = (short) 0xE7FD;

    private static Machine machine(long codeAt) {
        Machine m = new Machine(MachineConfig.generic(CpuModel.CORTEX_M3, new CapturingConsole()));
        MemorySegment flash = m.allocate(64 << 10, 0xFF);
        m.addMemory("flash", FLASH, flash, MemoryPermissions.RX, null);
        m.addMemory("flash (boot alias)", 0, flash, MemoryPermissions.RX, null);
        m.addMemory("sram", SRAM, m.allocate(16 << 10, 0), MemoryPermissions.RWX, null);
        m.memory().write32(FLASH, 0x2000_4000);
        m.memory().write32(FLASH + 4, (int) (codeAt | 1));
        m.memory().write(codeAt, 2, MOVS_R0_0);
        m.memory().write(codeAt + 2, 2, ADDS_R0_1);
        m.memory().write(codeAt + 4, 2, BRANCH_BACK);
        m.powerOn();
        return m;
    }

    /** Runs 11 ms with a 10 ms stall of the flash starting at 1 ms; returns the loop count. */
    private static long roundsWithAStall(Machine m) {
        long ms = Ticks.parseDuration("1ms");
        m.scheduler().at(ms, () -> m.stallFetches(pc -> pc >= FLASH && pc < FLASH + (64 << 10), 11 * ms));
        MachineStop stop = m.run(11 * ms);
        assertEquals(MachineStop.Kind.TIMEOUT, stop.kind(), stop.message());
        return m.cpu().read(CpuRegister.R0) & 0xFFFF_FFFFL;
    }

    @Test
    void codeRunningFromTheStalledMemoryWaitsForTheStallToEnd() {
        try (Machine m = machine(FLASH + 0x100)) {
            long rounds = roundsWithAStall(m);
            // 1 ms at 8 MHz is 4000 rounds; without the stall 11 ms would give 44000
            assertTrue(rounds >= 3900 && rounds <= 4100, "rounds: " + rounds);
        }
    }

    @Test
    void codeRunningFromSramIsNotStalledByTheFlash() {
        try (Machine m = machine(SRAM + 0x100)) {
            long rounds = roundsWithAStall(m);
            assertTrue(rounds >= 43_900 && rounds <= 44_100, "rounds: " + rounds);
        }
    }

    @Test
    void aStallUntilNowEndsItEarly() {
        try (Machine m = machine(FLASH + 0x100)) {
            long ms = Ticks.parseDuration("1ms");
            m.scheduler().at(ms, () -> m.stallFetches(pc -> pc >= FLASH, 100 * ms));
            m.scheduler().at(2 * ms, () -> m.stallFetches(pc -> pc >= FLASH, 2 * ms));
            m.run(3 * ms);
            long rounds = m.cpu().read(CpuRegister.R0) & 0xFFFF_FFFFL;
            // runs 0-1 ms and 2-3 ms
            assertTrue(rounds >= 7900 && rounds <= 8100, "rounds: " + rounds);
        }
    }

    @Test
    void aResetEndsTheStall() {
        try (Machine m = machine(FLASH + 0x100)) {
            long ms = Ticks.parseDuration("1ms");
            m.scheduler().at(ms, () -> m.stallFetches(pc -> pc >= FLASH, 100 * ms));
            m.scheduler().at(2 * ms, () -> m.requestReset(ResetKind.SOFTWARE));
            m.run(3 * ms);
            long rounds = m.cpu().read(CpuRegister.R0) & 0xFFFF_FFFFL;
            // after the reset at 2 ms the loop runs again from r0 = 0 for 1 ms
            assertTrue(rounds >= 3900 && rounds <= 4100, "rounds after the reset: " + rounds);
        }
    }
}
