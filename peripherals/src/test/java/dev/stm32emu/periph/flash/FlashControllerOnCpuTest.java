package dev.stm32emu.periph.flash;

import dev.stm32emu.core.Machine;
import dev.stm32emu.core.MachineConfig;
import dev.stm32emu.core.MachineStop;
import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.core.time.Ticks;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The FPEC behind the real CPU engine: programs arrive as the CPU's own half-word stores
 * through the store interceptor, refused ones are undone, and an erase drops the code
 * the engine translated from the erased page.
 */
class FlashControllerOnCpuTest {
    /**
     * Built with arm-none-eabi-as from:
     * <pre>
     *     .syntax unified
     *     .cpu cortex-m3
     *     .thumb
     *     .section .text
     *     .word 0x20002000
     *     .word reset + 1 + 0x08000000
     *     .word hardfault + 1 + 0x08000000
     *     .word hardfault + 1 + 0x08000000
     *     .org 0x40
     * reset:
     *     ldr r4, =0x40022000
     *     ldr r1, =0x45670123
     *     str r1, [r4, #4]          // FLASH_KEYR
     *     ldr r1, =0xCDEF89AB
     *     str r1, [r4, #4]
     *     movs r1, #1
     *     str r1, [r4, #0x10]       // FLASH_CR = PG
     *     ldr r2, =0x08000800
     *     ldr r3, =0x2001           // movs r0, #1
     *     strh r3, [r2]
     *     bl waitbsy
     *     ldr r3, =0x4770           // bx lr
     *     strh r3, [r2, #2]
     *     bl waitbsy
     *     ldr r3, =0x1234
     *     strh r3, [r2, #2]         // not erased: PGERR, the memory keeps bx lr
     *     bl waitbsy
     *     ldr r7, [r4, #0xC]        // r7 = FLASH_SR (PGERR expected)
     *     movs r1, #0
     *     str r1, [r4, #0x10]
     *     ldr r5, =0x08000801
     *     blx r5                    // f() = 1, translated now
     *     mov r6, r0
     *     movs r1, #2
     *     str r1, [r4, #0x10]       // PER
     *     str r2, [r4, #0x14]       // AR = 0x08000800
     *     movs r1, #0x42
     *     str r1, [r4, #0x10]       // PER | STRT
     *     bl waitbsy
     *     movs r1, #0
     *     str r1, [r4, #0x10]
     *     blx r5                    // erased: faults, unless stale code still returns 1
     *     adds r0, #10
     *     b exit
     * hardfault:
     *     movs r0, #2               // 2 = faulted in the erased page after f() returned 1 and PGERR was seen
     *     cmp r6, #1
     *     bne bad
     *     cmp r7, #0x24             // PGERR | EOP
     *     beq exit
     * bad:
     *     movs r0, #99
     * exit:
     *     ldr r1, =0x20000000
     *     str r0, [r1, #4]
     *     ldr r0, =0x20026
     *     str r0, [r1]
     *     movs r0, #0x20            // SYS_EXIT_EXTENDED
     *     bkpt 0xab
     *     b .
     * waitbsy:
     *     ldr r1, [r4, #0xC]
     *     lsls r1, r1, #31
     *     bne waitbsy
     *     bx lr
     *     .ltorg
     * </pre>
     */
    private static final int[] PROGRAM = {
            0x00, 0x20, 0x00, 0x20, 0x41, 0x00, 0x00, 0x08, 0x95, 0x00, 0x00, 0x08, 0x95, 0x00, 0x00, 0x08,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x1D, 0x4C, 0x1E, 0x49, 0x61, 0x60, 0x1E, 0x49, 0x61, 0x60, 0x01, 0x21, 0x21, 0x61, 0x4F, 0xF0,
            0x08, 0x22, 0x42, 0xF2, 0x01, 0x03, 0x13, 0x80, 0x00, 0xF0, 0x2A, 0xF8, 0x44, 0xF2, 0x70, 0x73,
            0x53, 0x80, 0x00, 0xF0, 0x25, 0xF8, 0x41, 0xF2, 0x34, 0x23, 0x53, 0x80, 0x00, 0xF0, 0x20, 0xF8,
            0xE7, 0x68, 0x00, 0x21, 0x21, 0x61, 0x13, 0x4D, 0xA8, 0x47, 0x06, 0x46, 0x02, 0x21, 0x21, 0x61,
            0x62, 0x61, 0x42, 0x21, 0x21, 0x61, 0x00, 0xF0, 0x13, 0xF8, 0x00, 0x21, 0x21, 0x61, 0xA8, 0x47,
            0x0A, 0x30, 0x05, 0xE0, 0x02, 0x20, 0x01, 0x2E, 0x01, 0xD1, 0x24, 0x2F, 0x00, 0xD0, 0x63, 0x20,
            0x4F, 0xF0, 0x00, 0x51, 0x48, 0x60, 0x08, 0x48, 0x08, 0x60, 0x20, 0x20, 0xAB, 0xBE, 0xFE, 0xE7,
            0xE1, 0x68, 0xC9, 0x07, 0xFC, 0xD1, 0x70, 0x47, 0x00, 0x20, 0x02, 0x40, 0x23, 0x01, 0x67, 0x45,
            0xAB, 0x89, 0xEF, 0xCD, 0x01, 0x08, 0x00, 0x08, 0x26, 0x00, 0x02, 0x00,
    };

    @Test
    void shouldProgramThroughCpuStoresAndDropTranslatedCodeOfAnErasedPage() {
        CapturingConsole console = new CapturingConsole();
        try (Machine m = new Machine(MachineConfig.generic(CpuModel.CORTEX_M3, console))) {
            MemorySegment flash = m.allocate(64 * 1024, 0xFF);
            MemorySegment system = m.allocate(4096, 0xFF);
            Stm32f1FlashController.writeFactoryOptionBytes(system.asSlice(0x800, 16));
            List<long[]> invalidated = new ArrayList<>();
            Stm32f1FlashController fpec = new Stm32f1FlashController(m.log("flash"), m.scheduler(), m.events(), flash, 1024,
                    system.asSlice(0x800, 16), FlashTiming.DATASHEET, (offset, length) -> {
                        invalidated.add(new long[]{offset, length});
                        m.cpu().invalidateCode(Stm32f1FlashController.FLASH_BASE + offset, length);
                        m.cpu().invalidateCode(offset, length); // the boot alias maps the flash
                    }, m.nvic().line(4));
            m.addMemory("flash", Stm32f1FlashController.FLASH_BASE, flash, MemoryPermissions.RX, fpec.flashInterceptor());
            m.addMemory("boot alias (flash)", 0, flash, MemoryPermissions.RX, fpec.flashInterceptor());
            m.addMemory("system memory", 0x1FFF_F000L, system, MemoryPermissions.RX, fpec.optionByteInterceptor(0x800));
            m.addMemory("sram", 0x2000_0000L, m.allocate(20 * 1024, 0), MemoryPermissions.RWX, null);
            m.attach("flash-interface", 0x4002_2000L, 0x400, fpec);
            m.mapPeripheralWindow(0x4002_2000L, 0x1000);
            m.addResettable(fpec);
            for (int i = 0; i < PROGRAM.length; i++) {
                flash.set(ValueLayout.JAVA_BYTE, i, (byte) PROGRAM[i]);
            }
            List<MachineEvent.FlashOperation> ops = new ArrayList<>();
            m.events().subscribe(e -> {
                if (e instanceof MachineEvent.FlashOperation op) {
                    ops.add(op);
                }
            });
            m.powerOn();

            MachineStop stop = m.run(Ticks.parseDuration("1s"));

            assertEquals(MachineStop.Kind.EXITED, stop.kind(), stop.message());
            assertEquals(2, stop.exitCode(), "2: f() returned 1, PGERR seen, then the erased page faulted (11: stale code ran)");
            assertEquals(-1, flash.get(ValueLayout.JAVA_INT_UNALIGNED, 0x800), "erased");
            assertEquals(1, invalidated.size());
            assertEquals(List.of("unlock", "program", "program", "page-erase"), ops.stream().map(o -> o.operation()).toList());
            assertEquals(4, ops.get(1).length(), "one burst of two half-words");
        }
    }
}
