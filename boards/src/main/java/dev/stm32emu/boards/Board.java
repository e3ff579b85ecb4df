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
    private final List<String> notes = new ArrayList<>();
    private java.util.Map<String, Object> devices = java.util.Map.of();
    private dev.stm32emu.periph.flash.FlashStorage flashStorage;
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

    void setDevices(java.util.Map<String, Object> devices) {
        this.devices = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(devices));
    }

    void setFlashStorage(dev.stm32emu.periph.flash.FlashStorage storage) {
        this.flashStorage = storage;
    }

    void note(String line) {
        notes.add(line);
    }

    /** Things the user should know about this board's setup (e.g. where a TCP UART listens). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** The peripheral models by instance name ("usart1", "gpioc", "usb"). */
    public java.util.Map<String, Object> devices() {
        return devices;
    }

    /** A pin by name ("PC13"); throws {@link IllegalArgumentException} if the chip has no such pin. */
    public dev.stm32emu.periph.gpio.GpioPin pin(String name) {
        if (!name.matches("P[A-G](1[0-5]|[0-9])")
                || !(devices.get("gpio" + Character.toLowerCase(name.charAt(1)))
                instanceof dev.stm32emu.periph.gpio.Stm32f1GpioPort port)) {
            throw new IllegalArgumentException("the " + definition.mcu() + " has no pin " + name);
        }
        return port.pin(Integer.parseInt(name.substring(2)));
    }

    /**
     * Connects a USART's serial line to {@code endpoint} instead of what the options chose
     * (tests capture the console this way).
     */
    public void connectSerial(String usart, dev.stm32emu.periph.usart.SerialEndpoint endpoint) {
        if (!(devices.get(usart) instanceof dev.stm32emu.periph.usart.Stm32Usart u)) {
            throw new IllegalArgumentException("the " + definition.mcu() + " has no USART named " + usart);
        }
        u.connect(endpoint);
        resources.add(endpoint);
    }

    /** The USB device controller's host side, if the chip has one. */
    public java.util.Optional<dev.stm32emu.core.usb.UsbHostPort> usb() {
        return devices.get("usb") instanceof dev.stm32emu.core.usb.UsbHostPort p ? java.util.Optional.of(p)
                : java.util.Optional.empty();
    }

    /** The flash storage (null on boards without a flash controller). */
    public dev.stm32emu.periph.flash.FlashStorage flashStorage() {
        return flashStorage;
    }

    /** Whether the flash came from an existing --flash-image file (so firmware is not loaded into it). */
    public boolean flashFromExistingImage() {
        return flashStorage != null && flashStorage.file().isPresent() && !flashStorage.isNew();
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
        if (flashStorage != null) {
            flashStorage.flush();
        }
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
        machine.close();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                System.getLogger("stm32emu.board").log(System.Logger.Level.WARNING, "closing " + r + ": " + e.getMessage());
            }
        }
    }
}
