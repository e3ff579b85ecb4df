package dev.stm32emu.periph.flash;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link FlashStorageTest}: opens an image, changes it the way a
 * completed program and erase do (plain memory writes, no flush), says so, and waits to
 * be killed.
 */
public final class FlashStorageKillProbe {
    private FlashStorageKillProbe() {
    }

    public static void main(String[] args) throws Exception {
        FlashStorage storage = FlashStorage.open(Path.of(args[0]), Long.parseLong(args[1]));
        storage.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0x100, 0xCAFE_BABE);
        storage.segment().asSlice(0x400, 0x400).fill((byte) 0x00);
        System.out.println("written");
        System.out.flush();
        Thread.sleep(120_000);
    }
}
