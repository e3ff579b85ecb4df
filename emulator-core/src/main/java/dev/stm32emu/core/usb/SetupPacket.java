package dev.stm32emu.core.usb;

/**
 * The 8-byte SETUP packet (USB 2.0 §9.3), little-endian on the wire.
 */
public record SetupPacket(int requestType, int request, int value, int index, int length) {

    public static SetupPacket parse(byte[] b) {
        if (b.length != 8) {
            throw new IllegalArgumentException("SETUP packet must be 8 bytes, got " + b.length);
        }
        return new SetupPacket(b[0] & 0xFF, b[1] & 0xFF, (b[2] & 0xFF) | (b[3] & 0xFF) << 8,
                (b[4] & 0xFF) | (b[5] & 0xFF) << 8, (b[6] & 0xFF) | (b[7] & 0xFF) << 8);
    }

    public byte[] toBytes() {
        return new byte[]{(byte) requestType, (byte) request, (byte) value, (byte) (value >>> 8),
                (byte) index, (byte) (index >>> 8), (byte) length, (byte) (length >>> 8)};
    }

    /** Data stage from device to host (bmRequestType bit 7). */
    public boolean isIn() {
        return (requestType & 0x80) != 0;
    }

    @Override
    public String toString() {
        return String.format("SETUP[%02x %02x %04x %04x %04x]", requestType, request, value, index, length);
    }
}
