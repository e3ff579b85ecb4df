package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.VirtualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layer 1: NVIC and SCB registers through the System Control Space (ARMv7-M ARM B3.2, B3.4). */
class SystemControlSpaceTest {
    private final VirtualClock clock = new VirtualClock(8_000_000);
    private final Scheduler scheduler = new Scheduler(clock);
    private final Nvic nvic = new Nvic(43, 4);
    private int ipsr;
    private boolean privileged = true;
    private final List<Long> unprivileged = new ArrayList<>();
    private int resets;
    private final SystemControlBlock scb = new SystemControlBlock(CpuModel.CORTEX_M3, nvic, DeviceLog.standalone("scb"),
            () -> ipsr, () -> resets++);
    private final SysTick sysTick = new SysTick(scheduler, nvic, 0x2328, 8);
    private final SystemControlSpace scs = new SystemControlSpace(nvic, scb, sysTick, DeviceLog.standalone("scs"), 0,
            () -> privileged, (a, w) -> unprivileged.add(a));

    @Test
    void shouldReportCortexM3R1p1IdentificationAndResetValues() {
        assertEquals(0x411F_C231, scs.read(0xD00, 4));
        assertEquals(0, scs.read(0xD14, 4), "CCR: STKALIGN resets to 0 on r1p1");
        assertEquals(0xFA05_0000, scs.read(0xD0C, 4));
        assertEquals(1, scs.read(0x004, 4), "ICTR for 43 lines");
        assertEquals(0x2328, scs.read(0x01C, 4), "SYST_CALIB TENMS 9000");
    }

    @Test
    void shouldReportCortexM4R0p1WithStkalignSet() {
        SystemControlBlock m4 = new SystemControlBlock(CpuModel.CORTEX_M4, nvic, DeviceLog.standalone("scb"), () -> 0, () -> {
        });
        assertEquals(0x410F_C241, m4.read(0xD00));
        assertEquals(0x200, m4.read(0xD14));
        assertEquals(0xC000_0000, m4.read(0xF34), "FPCCR: ASPEN and LSPEN");
    }

    @Test
    void shouldEnableAndDisableInterruptsThroughIserAndIcer() {
        scs.write(0x100, 4, 1 << 5);
        scs.write(0x104, 4, 1 << 2); // IRQ 34
        assertTrue(nvic.isEnabled(Exceptions.IRQ0 + 5));
        assertTrue(nvic.isEnabled(Exceptions.IRQ0 + 34));
        assertEquals(1 << 5, scs.read(0x180, 4), "ICER reads the enable state");
        scs.write(0x180, 4, 1 << 5);
        assertFalse(nvic.isEnabled(Exceptions.IRQ0 + 5));
        assertEquals(1 << 2, scs.read(0x104, 4));
    }

    @Test
    void shouldPendAndClearThroughIsprIcprAndStir() {
        scs.write(0x200, 4, 1 << 3);
        assertTrue(nvic.isPending(Exceptions.IRQ0 + 3));
        scs.write(0x280, 4, 1 << 3);
        assertFalse(nvic.isPending(Exceptions.IRQ0 + 3));
        scs.write(0xF00, 4, 40);
        assertEquals(1 << 8, scs.read(0x204, 4), "STIR 40 pends IRQ 40");
    }

    @Test
    void shouldKeepOnlyTheFourImplementedPriorityBits() {
        scs.write(0x400, 1, 0xFF);
        assertEquals(0xF0, scs.read(0x400, 1));
        scs.write(0x404, 2, 0x5A3C); // IRQ 4 and 5 through a half-word
        assertEquals(0x50_30, scs.read(0x404, 2));
        scs.write(0x408, 4, 0x1234_5678);
        assertEquals(0x1030_5070, scs.read(0x408, 4));
        assertEquals(0x30, nvic.priority(Exceptions.IRQ0 + 4));
    }

    @Test
    void shouldNotLetAClearPendingStickWhileTheLineIsHigh() {
        nvic.line(7).set(true);
        scs.write(0x280, 4, 1 << 7);
        assertTrue(nvic.isPending(Exceptions.IRQ0 + 7), "level-sensitive input keeps it pending");
        nvic.line(7).set(false);
        scs.write(0x280, 4, 1 << 7);
        assertFalse(nvic.isPending(Exceptions.IRQ0 + 7));
    }

    @Test
    void shouldPendAgainOnReturnWhileTheLineIsStillHigh() {
        nvic.line(2).set(true);
        nvic.acknowledge(Exceptions.IRQ0 + 2);
        assertFalse(nvic.isPending(Exceptions.IRQ0 + 2));
        assertTrue(nvic.deactivate(Exceptions.IRQ0 + 2));
        assertTrue(nvic.isPending(Exceptions.IRQ0 + 2));
    }

    @Test
    void shouldSetAndClearPendSvAndSysTickThroughIcsr() {
        scs.write(0xD04, 4, 1 << 28);
        assertTrue(nvic.isPending(Exceptions.PENDSV));
        assertEquals(Exceptions.PENDSV, (scs.read(0xD04, 4) >>> 12) & 0x1FF, "VECTPENDING");
        scs.write(0xD04, 4, 1 << 27);
        assertFalse(nvic.isPending(Exceptions.PENDSV));
        scs.write(0xD04, 4, (1 << 26) | (1 << 25));
        assertTrue(nvic.isPending(Exceptions.SYSTICK), "SET wins over CLR");
    }

    @Test
    void shouldShowTheCurrentExceptionInVectactive() {
        ipsr = 15;
        assertEquals(15, scs.read(0xD04, 4) & 0x1FF);
    }

    @Test
    void shouldIgnoreAircrWritesWithoutTheKeyAndResetWithIt() {
        scs.write(0xD0C, 4, 0x0000_0304);
        assertEquals(0xFA05_0000, scs.read(0xD0C, 4));
        assertEquals(0, resets);
        scs.write(0xD0C, 4, 0x05FA_0300);
        assertEquals(0xFA05_0300, scs.read(0xD0C, 4));
        scs.write(0xD0C, 4, 0x05FA_0304);
        assertEquals(1, resets, "SYSRESETREQ");
    }

    @Test
    void shouldGroupPrioritiesByPrigroup() {
        nvic.setPrigroup(5); // group = bits 7:6
        assertEquals(0x00, nvic.groupPriority(0x30));
        assertEquals(0x40, nvic.groupPriority(0x70));
        assertFalse(nvic.canPreempt(Exceptions.IRQ0, nvic.groupPriority(0x30)), "same group does not preempt");
    }

    @Test
    void shouldMaskTheVectorTableOffset() {
        scs.write(0xD08, 4, 0x0800_81FF);
        assertEquals(0x0800_8180, scs.read(0xD08, 4));
    }

    @Test
    void shouldWriteSystemHandlerPrioritiesByteWise() {
        scs.write(0xD23, 1, 0xFF); // SysTick priority (SHPR3 byte 3)
        scs.write(0xD22, 1, 0x80); // PendSV
        assertEquals(0xF0, nvic.priority(Exceptions.SYSTICK));
        assertEquals(0xF080_0000, scs.read(0xD20, 4));
        scs.write(0xD1C, 4, 0xFFFF_FFFF);
        assertEquals(0xF000_0000, scs.read(0xD1C, 4), "SHPR2: only SVCall exists");
    }

    @Test
    void shouldEnableFaultHandlersThroughShcsr() {
        assertFalse(nvic.isEnabled(Exceptions.USAGE_FAULT));
        scs.write(0xD24, 4, 1 << 18);
        assertTrue(nvic.isEnabled(Exceptions.USAGE_FAULT));
        assertEquals(1 << 18, scs.read(0xD24, 4));
    }

    @Test
    void shouldClearFaultStatusByWritingOnes() {
        scb.recordFault(SystemControlBlock.CFSR_UNDEFINSTR | SystemControlBlock.CFSR_PRECISERR, SystemControlBlock.HFSR_FORCED);
        scs.write(0xD2A, 2, 1); // UFSR half-word: clear UNDEFINSTR
        assertEquals(SystemControlBlock.CFSR_PRECISERR, scs.read(0xD28, 4));
        scs.write(0xD2C, 4, SystemControlBlock.HFSR_FORCED);
        assertEquals(0, scs.read(0xD2C, 4));
    }

    @Test
    void shouldReportAnUnprivilegedAccessAndIgnoreIt() {
        privileged = false;
        assertEquals(0, scs.read(0xD08, 4));
        scs.write(0xD08, 4, 0x2000_0000);
        assertEquals(List.of(0xE000_ED08L, 0xE000_ED08L), unprivileged);
        privileged = true;
        assertEquals(0, scs.read(0xD08, 4));
    }

    @Test
    void shouldLetUnprivilegedCodeWriteStirWhenUsersetmpendIsSet() {
        scs.write(0xD14, 4, SystemControlBlock.CCR_USERSETMPEND);
        privileged = false;
        scs.write(0xF00, 4, 9);
        assertTrue(nvic.isPending(Exceptions.IRQ0 + 9));
        assertTrue(unprivileged.isEmpty());
    }
}
