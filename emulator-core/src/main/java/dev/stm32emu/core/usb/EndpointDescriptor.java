package dev.stm32emu.core.usb;

/**
 * An endpoint descriptor (USB 2.0 §9.6.6) and the class- or vendor-specific descriptors
 * that follow it, kept raw in {@code extra}.
 */
public record EndpointDescriptor(int address, int attributes, int maxPacketSize, int interval, byte[] extra) {

    public EndpointDescriptor {
        extra = extra.clone();
    }

    @Override
    public byte[] extra() {
        return extra.clone();
    }

    /** The endpoint number (0-15). */
    public int number() {
        return address & 0x0F;
    }

    public boolean isIn() {
        return (address & 0x80) != 0;
    }

    /** Bulk, interrupt or control; null for isochronous, which the engine does not run. */
    public TransferType transferType() {
        return switch (attributes & 3) {
            case 0 -> TransferType.CONTROL;
            case 2 -> TransferType.BULK;
            case 3 -> TransferType.INTERRUPT;
            default -> null;
        };
    }

    /** wMaxPacketSize bits 10:0 (bits 12:11 are high-speed extra transactions). */
    public int packetSize() {
        return maxPacketSize & 0x7FF;
    }

    @Override
    public String toString() {
        return String.format("EndpointDescriptor[0x%02x attr=0x%02x mps=%d interval=%d extra=%d bytes]", address,
                attributes, maxPacketSize, interval, extra.length);
    }
}
