package dev.stm32emu.core.usb;

import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The host side of a USB device controller model (ARCHITECTURE.md, USB layer 1): what
 * a host can do on the wire, at packet level. Implemented by the device controller
 * models (F1 USB FS, F4 OTG_FS); used by the transfer engine. Machine thread only.
 *
 * <p>There is no device address in the calls: a USB/IP client never sends the real one
 * and the firmware changes it after the status stage (facts-usb.md §2.7), so the port
 * answers whatever address the firmware holds.
 */
public interface UsbHostPort {
    /**
     * Passed to endpoint listeners for a change not tied to one endpoint: a packet memory
     * write, the device address, the interrupt flags or the controller state.
     */
    int ANY_ENDPOINT = -1;

    /** Whether a device is connected: controller powered and D+ pulled up. */
    boolean isAttached();

    /** Registers a listener told of every attach (true) and detach (false). */
    void addAttachListener(Consumer<Boolean> listener);

    /** Drives a bus reset; the firmware sees its reset interrupt and re-initialises. */
    void busReset();

    /**
     * Whether the device can take a SETUP now: reset handled and function enabled
     * (F1: ISTR.RESET cleared, DADDR.EF = 1; DWC2: ENUMDNE cleared).
     */
    boolean isReady();

    /** A SETUP transaction to control endpoint {@code endpoint} with 8 bytes. */
    Handshake setup(int endpoint, byte[] setup);

    /** An OUT transaction with {@code data} (at most the endpoint's max packet size). */
    Handshake out(int endpoint, DataPid pid, byte[] data);

    /** An IN transaction on {@code endpoint}. */
    InResponse in(int endpoint);

    /**
     * Registers a listener told when the firmware changes an endpoint's state (a write to
     * its registers or buffers), so a host can retry a NAKed transaction instead of
     * polling. The argument is the endpoint number, or {@link #ANY_ENDPOINT}. Listeners
     * run inside the firmware's register write: they must only take note (e.g. schedule
     * a retry), never run transactions themselves.
     */
    void addEndpointListener(IntConsumer endpointChanged);

    /** Current USB frame number (11 bits). */
    int frameNumber();
}
