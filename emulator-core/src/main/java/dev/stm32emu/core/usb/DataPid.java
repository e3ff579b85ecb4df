package dev.stm32emu.core.usb;

/** Data packet IDs used for the toggle protocol (USB 2.0 §8.6). */
public enum DataPid {
    DATA0, DATA1;

    public DataPid toggle() {
        return this == DATA0 ? DATA1 : DATA0;
    }
}
