package dev.stm32emu.boards;

import dev.stm32emu.core.Machine;
import dev.stm32emu.core.MachineStop;
import dev.stm32emu.core.image.FirmwareImage;
import dev.stm32emu.core.image.ImageException;

import java.util.ArrayList;
import java.util.List;

/**
 * A built board: the machine plus handles to what a user or test touches (pins, UARTs,
 * the USB port, the flash storage). Built by {@link BoardFactory}; owned by one thread.
 */
public final class Board implements AutoCloseable {
    private final BoardDefinition definition;
    private final Machine machine;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private boolean firmwareLoaded;

    Board(BoardDefinition definition, Machine machine) {
        this.definition = definition;
        this.machine = machine;
    }

    public BoardDefinition definition() {
        return definition;
    }

    public Machine machine() {
        return machine;
    }

    /** Something to close with the board (flash storage, serial endpoints). */
    void own(AutoCloseable resource) {
        resources.add(resource);
    }

    /**
     * Writes a firmware image into flash. Every segment must lie in flash (or its boot
     * alias at 0x00000000); otherwise nothing is written and the error names the segment.
     */
    public void loadFirmware(FirmwareImage image) throws ImageException {
        BoardDefinition.Area flash = definition.memory().flash();
        long total = image.size();
        if (total > flash.size()) {
            throw new ImageException(String.format("%s: %d bytes do not fit in the %s's %d KiB of flash", image.source(),
                    total, definition.mcu(), flash.size() / 1024));
        }
        for (FirmwareImage.Segment s : image.segments()) {
            if (!definition.isFlashAddress(s.address(), s.data().length)) {
                throw new ImageException(String.format("%s: %d bytes at 0x%08x are outside flash (0x%08x-0x%08x)",
                        image.source(), s.data().length, s.address(), flash.base(), flash.end() - 1));
            }
        }
        for (FirmwareImage.Segment s : image.segments()) {
            long address = s.address() < flash.size() ? flash.base() + s.address() : s.address();
            machine.memory().writeBytes(address, s.data());
        }
        machine.cpu().invalidateCode(flash.base(), flash.size());
        machine.cpu().invalidateCode(0, flash.size());
        firmwareLoaded = true;
    }

    /** Whether {@link #loadFirmware} ran. */
    public boolean firmwareLoaded() {
        return firmwareLoaded;
    }

    /** Power-on reset. */
    public void powerOn() {
        machine.powerOn();
    }

    /** Runs on the calling thread; see {@link Machine#run}. */
    public MachineStop run(long limitPs) {
        return machine.run(limitPs);
    }

    @Override
    public void close() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                System.getLogger("stm32emu.board").log(System.Logger.Level.WARNING, "closing " + r + ": " + e.getMessage());
            }
        }
        machine.close();
    }
}
