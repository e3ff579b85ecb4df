package dev.stm32emu.core;

import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.core.time.Ticks;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a machine stops on a foreign BKPT and on lockup, with hand-assembled Thumb code. */
class MachineStopTest {
    private static final int RESET = 0x0800_0100;
    private static final int HARDFAULT = 0x0800_0200;

    private Machine machine(short[] resetCode, short[] hardFaultCode, List<MachineEvent> events) {
        Machine m = new Machine(MachineConfig.generic(CpuModel.CORTEX_M3, new CapturingConsole()));
        MemorySegment flash = m.allocate(64 << 10, 0xFF);
        m.addMemory("flash", 0x0800_0000L, flash, MemoryPermissions.RX, null);
        m.addMemory("flash (boot alias)", 0, flash, MemoryPermissions.RX, null);
        m.addMemory("sram", 0x2000_0000L, m.allocate(16 << 10, 0), MemoryPermissions.RWX, null);
        m.memory().write32(0x0800_0000L, 0x2000_4000);         // initial MSP
        m.memory().write32(0x0800_0004L, RESET | 1);            // reset vector
        m.memory().write32(0x0800_000CL, HARDFAULT | 1);        // HardFault vector
        for (int i = 0; i < resetCode.length; i++) {
            m.memory().write(RESET + 2L * i, 2, resetCode[i]);
        }
        for (int i = 0; i < hardFaultCode.length; i++) {
            m.memory().write(HARDFAULT + 2L * i, 2, hardFaultCode[i]);
        }
        m.events().subscribe(events::add);
        m.powerOn();
        return m;
    }

    @Test
    void shouldStopAtABreakpointThatIsNotSemihostingAndSayWhere() {
        List<MachineEvent> events = new ArrayList<>();
        try (Machine m = machine(new short[]{(short) 0xBF00, (short) 0xBE07}, new short[]{(short) 0xE7FE}, events)) {
            MachineStop stop = m.run(Ticks.parseDuration("1ms"));
            assertEquals(MachineStop.Kind.BREAKPOINT, stop.kind());
            assertEquals(125, stop.exitCode());
            assertEquals(RESET + 2, stop.pc());
            assertTrue(stop.message().contains("BKPT #7 at 0x08000102"), stop.message());
        }
    }

    @Test
    void shouldLockUpWhenTheHardFaultHandlerFaults() {
        List<MachineEvent> events = new ArrayList<>();
        // reset: udf #0 -> HardFault; HardFault: udf #1 -> cannot escalate -> lockup
        try (Machine m = machine(new short[]{(short) 0xDE00}, new short[]{(short) 0xDE01}, events)) {
            MachineStop stop = m.run(Ticks.parseDuration("1ms"));
            assertEquals(MachineStop.Kind.LOCKUP, stop.kind(), stop.message());
            assertEquals(HARDFAULT, stop.pc());
            assertTrue(events.stream().anyMatch(e -> e instanceof MachineEvent.Lockup));
            MachineEvent.Fault first = (MachineEvent.Fault) events.stream()
                    .filter(e -> e instanceof MachineEvent.Fault).findFirst().orElseThrow();
            assertEquals(RESET, first.pc(), "the first fault is reported at the UDF");
            assertEquals("UNDEFINED_INSTRUCTION", first.kind());
        }
    }

    @Test
    void shouldLockUpWhenTheVectorTableCannotBeRead() {
        Machine m = new Machine(MachineConfig.generic(CpuModel.CORTEX_M3, new CapturingConsole()));
        try (m) {
            m.addMemory("sram", 0x2000_0000L, m.allocate(4096, 0), MemoryPermissions.RWX, null);
            m.powerOn(); // nothing at 0x00000000
            MachineStop stop = m.run(Ticks.parseDuration("1ms"));
            assertEquals(MachineStop.Kind.LOCKUP, stop.kind());
            assertTrue(stop.message().contains("vector table at 0x00000000 cannot be read"), stop.message());
        }
    }
}
