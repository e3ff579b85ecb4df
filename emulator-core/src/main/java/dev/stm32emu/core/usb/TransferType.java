package dev.stm32emu.core.usb;

/** The transfer types the engine runs (USB 2.0 §5.4-§5.8); isochronous is not supported. */
public enum TransferType {
    CONTROL, BULK, INTERRUPT
}
