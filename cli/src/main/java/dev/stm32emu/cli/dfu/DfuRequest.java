package dev.stm32emu.cli.dfu;

import dev.stm32emu.core.usb.SetupPacket;

/**
 * The DFU class requests (DFU 1.1 §3, Table 3.2), with the SETUP packets dfu-util sends for
 * them: class requests to the interface, {@code 21} for OUT and {@code A1} for IN.
 */
public enum DfuRequest {
    DETACH(0, false),
    DNLOAD(1, false),
    UPLOAD(2, true),
    GETSTATUS(3, true),
    CLRSTATUS(4, false),
    GETSTATE(5, true),
    ABORT(6, false);

    /** bmRequestType of a class request to an interface, host to device. */
    public static final int CLASS_INTERFACE_OUT = 0x21;
    /** bmRequestType of a class request to an interface, device to host. */
    public static final int CLASS_INTERFACE_IN = 0xA1;
    /** Standard request SET_INTERFACE (USB 2.0 §9.4.10). */
    public static final int SET_INTERFACE = 0x0B;

    private static final DfuRequest[] BY_CODE = values();

    private final int code;
    private final boolean in;

    DfuRequest(int code, boolean in) {
        this.code = code;
        this.in = in;
    }

    public int code() {
        return code;
    }

    /** Whether the request has an IN data stage. */
    public boolean isIn() {
        return in;
    }

    /** The SETUP packet for this request to interface {@code intf}. */
    public SetupPacket setup(int value, int intf, int length) {
        return new SetupPacket(in ? CLASS_INTERFACE_IN : CLASS_INTERFACE_OUT, code, value, intf, length);
    }

    /** The DFU request a SETUP packet carries, or null if it is not a DFU class request. */
    public static DfuRequest of(SetupPacket setup) {
        int type = setup.requestType();
        if ((type & 0x60) != 0x20 || (type & 0x1F) != 0x01 || setup.request() >= BY_CODE.length) {
            return null;
        }
        return BY_CODE[setup.request()];
    }

    /** {@code 01 0B alt intf 0000}: SET_INTERFACE as libusb_set_interface_alt_setting sends it. */
    public static SetupPacket setInterface(int intf, int alt) {
        return new SetupPacket(0x01, SET_INTERFACE, alt, intf, 0);
    }
}
