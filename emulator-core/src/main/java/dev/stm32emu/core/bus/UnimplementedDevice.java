package dev.stm32emu.core.bus;

import dev.stm32emu.core.DeviceLog;

/**
 * A peripheral the model knows by name but does not implement: reads return the reset
 * value (0 unless given), writes are ignored, and each register touched is logged once
 * as unimplemented with the peripheral's name (QEMU's create_unimplemented_device).
 */
public final class UnimplementedDevice implements MmioDevice {
    private final DeviceLog log;
    private final java.util.Map<Integer, Integer> resetValues;

    public UnimplementedDevice(DeviceLog log) {
        this(log, java.util.Map.of());
    }

    /** @param resetValues reset values of registers that are not 0, by word offset */
    public UnimplementedDevice(DeviceLog log, java.util.Map<Integer, Integer> resetValues) {
        this.log = log;
        this.resetValues = java.util.Map.copyOf(resetValues);
    }

    @Override
    public int read(int offset, int size) {
        int word = resetValues.getOrDefault(offset & ~3, 0);
        log.unimplemented("r" + (offset & ~3), String.format("read of offset 0x%03x returns its reset value 0x%x "
                + "(peripheral not modelled)", offset & ~3, word));
        int shift = (offset & 3) * 8;
        return size == 4 ? word : (word >>> shift) & (size == 1 ? 0xFF : 0xFFFF);
    }

    @Override
    public void write(int offset, int size, int value) {
        log.unimplemented("w" + (offset & ~3), String.format("write of 0x%x to offset 0x%03x ignored (peripheral not modelled)",
                value, offset & ~3));
    }
}
