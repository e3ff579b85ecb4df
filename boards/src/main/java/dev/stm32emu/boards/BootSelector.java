package dev.stm32emu.boards;

import dev.stm32emu.core.Machine;
import dev.stm32emu.core.Resettable;
import dev.stm32emu.core.bus.StoreInterceptor;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.core.event.ResetKind;

import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;

/**
 * The boot mode pins, sampled at every reset (RM0008 §3.4, table 9): BOOT0 = 0 maps the
 * main flash at 0x00000000; BOOT0 = 1 with BOOT1 = 0 maps the system memory; BOOT0 = 1
 * with BOOT1 = 1 maps the SRAM. The alias stays mapped until the next reset, so firmware
 * that never writes VTOR takes every exception through it (facts-stm32f1.md §1.1).
 * Registered after the peripherals so it runs after their reset.
 */
final class BootSelector implements Resettable {
    /** A memory that can appear at 0x00000000. */
    record Source(String name, MemorySegment segment, MemoryPermissions permissions, StoreInterceptor interceptor) {
    }

    private final Machine machine;
    private final BooleanSupplier boot0;
    private final BooleanSupplier boot1;
    private final Source flash;
    private final Source systemMemory;
    private final Source sram;
    private Source current;

    BootSelector(Machine machine, BooleanSupplier boot0, BooleanSupplier boot1, Source flash, Source systemMemory,
                 Source sram) {
        this.machine = machine;
        this.boot0 = boot0;
        this.boot1 = boot1;
        this.flash = flash;
        this.systemMemory = systemMemory;
        this.sram = sram;
    }

    @Override
    public void reset(ResetKind kind) {
        Source wanted = !boot0.getAsBoolean() ? flash : (boot1.getAsBoolean() ? sram : systemMemory);
        if (wanted == current) {
            return;
        }
        if (current != null) {
            machine.removeMemory(0);
        }
        machine.addMemory(wanted.name() + " (boot alias)", 0, wanted.segment(), wanted.permissions(), wanted.interceptor());
        current = wanted;
    }

    /** Whether the alias maps the main flash now (flash erases must then drop code at 0 too). */
    boolean flashAtZero() {
        return current == flash;
    }

    /** The region at 0x00000000 now, by name. */
    String currentName() {
        return current == null ? "nothing" : current.name();
    }

}
