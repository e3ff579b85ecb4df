package dev.stm32emu.core.usb;

import java.util.List;

/**
 * One alternate setting of an interface (USB 2.0 §9.6.5), its endpoints, and the
 * class-specific descriptors between it and its first endpoint kept raw in {@code extra}
 * (a DFU functional descriptor, type 0x21, lands here: DFU 1.1 §4.1.3).
 */
public record InterfaceDescriptor(int number, int alternateSetting, int interfaceClass, int interfaceSubClass,
                                  int interfaceProtocol, int interfaceIndex, List<EndpointDescriptor> endpoints,
                                  byte[] extra) {

    public InterfaceDescriptor {
        endpoints = List.copyOf(endpoints);
        extra = extra.clone();
    }

    @Override
    public byte[] extra() {
        return extra.clone();
    }

    /** The first descriptor of {@code type} in {@code extra}, whole (bLength, bDescriptorType ...), or null. */
    public byte[] extraDescriptor(int type) {
        return Descriptors.find(extra, type);
    }

    @Override
    public String toString() {
        return String.format("InterfaceDescriptor[%d alt %d class %02x/%02x/%02x iInterface=%d %s extra=%d bytes]",
                number, alternateSetting, interfaceClass, interfaceSubClass, interfaceProtocol, interfaceIndex,
                endpoints, extra.length);
    }
}
