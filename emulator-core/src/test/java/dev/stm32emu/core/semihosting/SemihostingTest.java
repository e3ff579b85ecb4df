package dev.stm32emu.core.semihosting;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.bus.GuestMemory;
import dev.stm32emu.core.bus.MemoryRegion;
import dev.stm32emu.core.bus.PeripheralBus;
import dev.stm32emu.core.cpu.MemoryPermissions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Semihosting operations against guest memory (ARM semihosting spec; facts-cortexm.md §9). */
class SemihostingTest {
    private static final long RAM = 0x2000_0000L;
    private final GuestMemory memory = new GuestMemory(new PeripheralBus(DeviceLog.standalone("bus")));
    private final CapturingConsole console = new CapturingConsole();
    private long nowPs = 1_230_000_000_000L; // 1.23 s
    private final Semihosting sh;

    SemihostingTest() {
        memory.add(new MemoryRegion("ram", RAM, Arena.ofAuto().allocate(4096), MemoryPermissions.RWX, null));
        sh = new Semihosting(memory, console, () -> nowPs, DeviceLog.standalone("semihosting"));
    }

    private int block(long at, int... words) {
        for (int i = 0; i < words.length; i++) {
            memory.write32(at + 4L * i, words[i]);
        }
        return (int) at;
    }

    private void string(long at, String s) {
        memory.writeBytes(at, (s + "\0").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldWriteCharactersStringsAndBuffersInOrder() {
        memory.write(RAM + 0x100, 1, 'a');
        sh.call(Semihosting.SYS_WRITEC, (int) (RAM + 0x100));
        string(RAM + 0x200, "bc");
        sh.call(Semihosting.SYS_WRITE0, (int) (RAM + 0x200));
        string(RAM + 0x300, "de");
        Semihosting.Result r = sh.call(Semihosting.SYS_WRITE, block(RAM + 0x400, 1, (int) (RAM + 0x300), 2));
        assertEquals(0, r.r0(), "SYS_WRITE returns the bytes NOT written");
        assertEquals("abcde", console.stdoutText());
    }

    @Test
    void shouldExitWithTheSubcodeOfApplicationExit() {
        Semihosting.Result r = sh.call(Semihosting.SYS_EXIT_EXTENDED, block(RAM, Semihosting.APPLICATION_EXIT, 42));
        assertEquals(42, r.exitCode());
        assertEquals(1, sh.call(Semihosting.SYS_EXIT_EXTENDED, block(RAM, 0x20023, 0)).exitCode(), "RunTimeError");
        assertEquals(0, sh.call(Semihosting.SYS_EXIT, Semihosting.APPLICATION_EXIT).exitCode());
        assertEquals(1, sh.call(Semihosting.SYS_EXIT, 0x20023).exitCode());
    }

    @Test
    void shouldTellTimeFromVirtualTime() {
        assertEquals(123, sh.call(Semihosting.SYS_CLOCK, 0).r0(), "centiseconds");
        assertNull(sh.call(Semihosting.SYS_CLOCK, 0).exitCode());
    }

    @Test
    void shouldOpenTheConsoleAndTheFeaturesFile() {
        string(RAM + 0x100, ":tt");
        int out = sh.call(Semihosting.SYS_OPEN, block(RAM, (int) (RAM + 0x100), 4, 3)).r0();
        int err = sh.call(Semihosting.SYS_OPEN, block(RAM, (int) (RAM + 0x100), 8, 3)).r0();
        string(RAM + 0x200, "E");
        sh.call(Semihosting.SYS_WRITE, block(RAM + 0x40, err, (int) (RAM + 0x200), 1));
        assertEquals("E", console.stderrText());
        assertEquals(1, sh.call(Semihosting.SYS_ISTTY, block(RAM + 0x40, out)).r0());
        string(RAM + 0x300, ":semihosting-features");
        int f = sh.call(Semihosting.SYS_OPEN, block(RAM, (int) (RAM + 0x300), 0, 21)).r0();
        assertEquals(5, sh.call(Semihosting.SYS_FLEN, block(RAM + 0x40, f)).r0());
        assertEquals(0, sh.call(Semihosting.SYS_READ, block(RAM + 0x40, f, (int) (RAM + 0x500), 5)).r0());
        assertEquals(0x03, memory.read(RAM + 0x504, 1), "EXIT_EXTENDED and STDOUT_STDERR");
    }

    @Test
    void shouldRefuseHostFiles() {
        string(RAM + 0x100, "/etc/passwd");
        assertEquals(-1, sh.call(Semihosting.SYS_OPEN, block(RAM, (int) (RAM + 0x100), 0, 11)).r0());
    }

    @Test
    void shouldAnswerHeapinfoWithZerosSoNewlibKeepsTheVectorTableStack() {
        block(RAM + 0x80, 1, 2, 3, 4);
        block(RAM + 0x10, (int) (RAM + 0x80));
        sh.call(Semihosting.SYS_HEAPINFO, (int) (RAM + 0x10));
        assertEquals(0, memory.read32(RAM + 0x80) | memory.read32(RAM + 0x8C));
    }

    @Test
    void shouldReturnMinusOneForUnsupportedOperations() {
        assertEquals(-1, sh.call(0x12, 0).r0()); // SYS_SYSTEM
        assertEquals(95, sh.call(Semihosting.SYS_ERRNO, 0).r0(), "ENOTSUP");
    }
}
