package dev.stm32emu.cli.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcceleratorTest {

    @TempDir
    Path root;

    private Path sys(String... modules) throws Exception {
        Path sys = root.resolve("sys/module");
        for (String m : modules) {
            Files.createDirectories(sys.resolve(m));
        }
        Files.createDirectories(sys);
        return sys;
    }

    private Path devKvm() throws Exception {
        return Files.writeString(root.resolve("kvm"), "");
    }

    @Test
    void shouldUseKvmWhenKvmIntelIsLoadedAndDevKvmIsUsable() throws Exception {
        assertEquals(Accelerator.KVM, Accelerator.select(Map.of(), sys("kvm", "kvm_intel"), devKvm()));
    }

    @Test
    void shouldUseTcgOnAPvmHost() throws Exception {
        assertEquals(Accelerator.TCG, Accelerator.select(Map.of(), sys("kvm", "kvm_pvm"), devKvm()));
        assertEquals(Accelerator.TCG, Accelerator.select(Map.of(), sys("kvm", "kvm_amd", "kvm_pvm"), devKvm()));
    }

    @Test
    void shouldUseTcgWithoutDevKvm() throws Exception {
        assertEquals(Accelerator.TCG, Accelerator.select(Map.of(), sys("kvm", "kvm_amd"), root.resolve("absent")));
    }

    @Test
    void shouldHonourTheOverride() throws Exception {
        assertEquals(Accelerator.TCG, Accelerator.select(Map.of(Accelerator.ENV, "tcg"), sys("kvm_intel"), devKvm()));
        assertEquals(Accelerator.KVM, Accelerator.select(Map.of(Accelerator.ENV, "KVM"), sys(), root.resolve("x")));
        assertThrows(GuestException.class, () -> Accelerator.select(Map.of(Accelerator.ENV, "hvf"), sys(), devKvm()));
    }

    @Test
    void shouldPickMicrovmOnlyWhenTheTscFrequencyIsKnownUnderTcg() throws Exception {
        assertEquals(GuestMachine.MICROVM, GuestMachine.select(Map.of(), Accelerator.TCG, OptionalLong.of(2_596_120)));
        assertEquals(GuestMachine.PC, GuestMachine.select(Map.of(), Accelerator.TCG, OptionalLong.empty()));
        assertEquals(GuestMachine.MICROVM, GuestMachine.select(Map.of(), Accelerator.KVM, OptionalLong.empty()));
        assertEquals(GuestMachine.PC, GuestMachine.select(Map.of(GuestMachine.ENV, "pc"), Accelerator.TCG,
                OptionalLong.of(1)));
    }

    @Test
    void shouldTrustCpuMhzOnlyForAConstantTscUnderAHypervisor() throws Exception {
        Path vm = Files.writeString(root.resolve("vm"), "processor\t: 0\ncpu MHz\t\t: 2596.120\n"
                + "flags\t\t: fpu tsc constant_tsc nonstop_tsc hypervisor\n");
        Path metal = Files.writeString(root.resolve("metal"), "cpu MHz\t\t: 1200.000\nflags\t\t: fpu tsc constant_tsc\n");
        assertEquals(OptionalLong.of(2_596_120), GuestMachine.hostTscKhz(Map.of(), vm));
        assertEquals(OptionalLong.empty(), GuestMachine.hostTscKhz(Map.of(), metal));
        assertEquals(OptionalLong.of(3_000_000), GuestMachine.hostTscKhz(Map.of(GuestMachine.TSC_ENV, "3000000"), metal));
    }
}
