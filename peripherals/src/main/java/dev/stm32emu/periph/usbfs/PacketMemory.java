package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.bus.MmioDevice;

/**
 * The 512-byte packet memory (PMA) shared by the CPU and the USB peripheral (RM0008
 * §23.5.1; facts-usb.md §4.3). The USB side addresses it in bytes 0-511; the CPU sees it
 * through a 1 KiB window at a 2x stride: USB half-word k is the low half of the 32-bit
 * word at CPU offset 4k, and the upper half of every word does not exist (reads 0,
 * writes ignored). Byte, half-word and word accesses all work on that rule, so
 * libopencm3's word stores and TinyUSB's half-word accesses both land correctly.
 */
public final class PacketMemory implements MmioDevice {
    /** Bytes of packet memory on the F102/F103. */
    public static final int SIZE = 512;
    /** Size of the CPU window. */
    public static final int CPU_WINDOW = 2 * SIZE;

    private final byte[] bytes = new byte[SIZE];
    private final DeviceLog log;
    private Runnable onCpuWrite = () -> {
    };

    PacketMemory(DeviceLog log) {
        this.log = log;
    }

    @Override
    public int read(int offset, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            int usb = usbByte(offset + i);
            if (usb >= 0) {
                v |= (bytes[usb] & 0xFF) << (8 * i);
            }
        }
        return v;
    }

    @Override
    public void write(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int usb = usbByte(offset + i);
            if (usb >= 0) {
                bytes[usb] = (byte) (value >>> (8 * i));
            }
        }
        onCpuWrite.run();
    }

    /** The little-endian half-word at USB byte offset {@code usbOffset} (bit 0 ignored). */
    public int halfWord(int usbOffset) {
        int o = wrap(usbOffset & ~1);
        return (bytes[o] & 0xFF) | (bytes[o + 1] & 0xFF) << 8;
    }

    /** Hardware-side store of a half-word at USB byte offset {@code usbOffset}. */
    public void setHalfWord(int usbOffset, int value) {
        int o = wrap(usbOffset & ~1);
        bytes[o] = (byte) value;
        bytes[o + 1] = (byte) (value >>> 8);
    }

    /** Copies {@code length} bytes starting at USB offset {@code usbOffset}. */
    public byte[] readBytes(int usbOffset, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = bytes[wrap(usbOffset + i)];
        }
        return out;
    }

    /** Hardware-side copy of {@code data} to USB offset {@code usbOffset}. */
    public void writeBytes(int usbOffset, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            bytes[wrap(usbOffset + i)] = data[i];
        }
    }

    /** Power-on: SRAM content is undefined; the model starts from zeros. */
    void clear() {
        java.util.Arrays.fill(bytes, (byte) 0);
    }

    /** Called after every CPU store (the host side retries NAKed transactions on changes). */
    void setOnCpuWrite(Runnable action) {
        this.onCpuWrite = action;
    }

    /** USB byte behind CPU byte offset {@code cpu}, or -1 for the missing upper half-words. */
    private static int usbByte(int cpu) {
        int lane = cpu & 3;
        if (lane >= 2 || cpu < 0 || cpu >= CPU_WINDOW) {
            return -1;
        }
        return (cpu >>> 2) * 2 + lane;
    }

    /** Buffer addresses come from firmware-written descriptors; out-of-range ones are logged and wrapped. */
    private int wrap(int usbOffset) {
        if (usbOffset < 0 || usbOffset >= SIZE) {
            log.guestError("pma-range", String.format(
                    "packet memory access at USB offset 0x%x beyond the %d-byte PMA (wrapped)", usbOffset, SIZE));
        }
        return usbOffset & (SIZE - 1);
    }
}
