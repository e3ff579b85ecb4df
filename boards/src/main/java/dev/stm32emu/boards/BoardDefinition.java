package dev.stm32emu.boards;

import dev.stm32emu.core.cpu.CpuModel;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A board with its MCU, fully resolved (the board file merged over its MCU file chain).
 *
 * @param name        the board's name ("bluepill")
 * @param description one line for `stm32emu boards`
 * @param mcu         the MCU's name ("stm32f103c8")
 * @param source      where it came from, for messages ("board/bluepill.json extends mcu/stm32f103c8.json")
 * @param core        the CPU core
 * @param family      "generic" or "stm32f1"
 * @param irqCount    external interrupt lines
 * @param priorityBits implemented NVIC priority bits
 * @param resetClockHz core clock at reset
 * @param sysTickCalib SYST_CALIB
 * @param mpuRegions   MPU regions (0: none)
 * @param memory      memories
 * @param ids         identification values
 * @param peripheralWindows address ranges the CPU sees as peripheral space
 * @param peripherals the peripherals, by name
 * @param board       what sits on the PCB
 */
public record BoardDefinition(String name, String description, String mcu, String source, CpuModel core, String family,
                              int irqCount, int priorityBits, long resetClockHz, int sysTickCalib, int mpuRegions,
                              Memory memory, Ids ids, List<Window> peripheralWindows, List<Peripheral> peripherals,
                              Pcb board) {

    /** Memories of the chip. */
    public record Memory(Area flash, long flashPageSize, Area sram, Optional<Area> systemMemory,
                         Optional<Area> optionBytes) {
    }

    /** An address range. */
    public record Area(long base, long size) {
        public long end() {
            return base + size;
        }

        public boolean contains(long address, long length) {
            return address >= base && address + length <= base + size;
        }
    }

    /** Identification values: DBGMCU IDCODE, flash size word, 96-bit unique ID. */
    public record Ids(int devId, int revId, long flashSizeAddress, long uidAddress, byte[] uid) {
        public Ids {
            uid = uid.clone();
        }

        @Override
        public byte[] uid() {
            return uid.clone();
        }
    }

    /** A CPU-visible window of the peripheral bus. */
    public record Window(long base, long size) {
    }

    /**
     * A peripheral instance.
     *
     * @param name       instance name ("usart1")
     * @param type       model type ("stm32f1.usart", or "unimplemented")
     * @param base       base address
     * @param size       size of its register window
     * @param irqs       NVIC lines it drives, in the model's order
     * @param properties model-specific settings
     */
    public record Peripheral(String name, String type, long base, long size, List<Integer> irqs,
                             Map<String, String> properties) {
        public String property(String key, String dflt) {
            return properties.getOrDefault(key, dflt);
        }
    }

    /**
     * The PCB around the chip.
     *
     * @param hseHz       crystal frequency (0: none)
     * @param lseHz       32 kHz crystal (0: none)
     * @param boot0       BOOT0 level by default
     * @param boot1Pin    the pin BOOT1 shares ("PB2") or empty
     * @param boot1       BOOT1 level by default
     * @param leds        LEDs
     * @param usbPullUp   "fixed", "none", or a pin name driving the D+ pull-up
     * @param usbPullUpActiveLow whether that pin enables the pull-up when low
     * @param console     the console USART instance name, or empty
     * @param pinLevels   board-driven pin levels at power-on ("PB2" -> false)
     */
    public record Pcb(long hseHz, long lseHz, int boot0, String boot1Pin, int boot1, List<Led> leds, String usbPullUp,
                      boolean usbPullUpActiveLow, String console, Map<String, Boolean> pinLevels) {
    }

    /** An LED on a pin. */
    public record Led(String name, String pin, boolean activeLow) {
    }

    /** Whether the MCU has a memory region at this address (flash or its boot alias). */
    public boolean isFlashAddress(long address, long length) {
        return memory.flash().contains(address, length) || new Area(0, memory.flash().size()).contains(address, length);
    }
}
