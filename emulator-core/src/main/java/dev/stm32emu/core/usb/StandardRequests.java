package dev.stm32emu.core.usb;

/** SETUP packets of the standard device requests a host sends (USB 2.0 §9.4). */
public final class StandardRequests {
    /** Descriptor types (USB 2.0 Table 9-5). */
    public static final int DEVICE = 1;
    public static final int CONFIGURATION = 2;
    public static final int STRING = 3;
    public static final int INTERFACE = 4;
    public static final int ENDPOINT = 5;

    /** bRequest codes (USB 2.0 Table 9-4). */
    public static final int CLEAR_FEATURE = 1;
    public static final int SET_ADDRESS = 5;
    public static final int GET_DESCRIPTOR = 6;
    public static final int SET_CONFIGURATION = 9;
    public static final int SET_INTERFACE = 11;

    private StandardRequests() {
    }

    /** GET_DESCRIPTOR(type, index) with a language id (strings) and wLength. */
    public static SetupPacket getDescriptor(int type, int index, int langId, int length) {
        return new SetupPacket(0x80, GET_DESCRIPTOR, (type & 0xFF) << 8 | (index & 0xFF), langId, length);
    }

    public static SetupPacket setAddress(int address) {
        return new SetupPacket(0x00, SET_ADDRESS, address & 0x7F, 0, 0);
    }

    public static SetupPacket setConfiguration(int value) {
        return new SetupPacket(0x00, SET_CONFIGURATION, value & 0xFF, 0, 0);
    }

    public static SetupPacket setInterface(int interfaceNumber, int alternateSetting) {
        return new SetupPacket(0x01, SET_INTERFACE, alternateSetting, interfaceNumber, 0);
    }

    /** CLEAR_FEATURE(ENDPOINT_HALT) for an endpoint address (0x81 for EP1 IN). */
    public static SetupPacket clearEndpointHalt(int endpointAddress) {
        return new SetupPacket(0x02, CLEAR_FEATURE, 0, endpointAddress & 0x8F, 0);
    }
}
