package dev.stm32emu.usbip.client;

import dev.stm32emu.usbip.codec.UsbIpWire;
import dev.stm32emu.usbip.message.ByteArrays;
import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.message.IsoPacketDescriptor;
import dev.stm32emu.usbip.server.Urb;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A URB to submit through {@link ImportedDevice#submit(UrbRequest)}: a CMD_SUBMIT without the
 * seqnum and devid, which the client fills in (facts-usb.md §1.6).
 *
 * <p>Non-ISO requests send {@code number_of_packets} 0, as Linux vhci does. A request with ISO
 * descriptors is an ISO URB: the client then expects descriptors in the reply too.
 *
 * @param in                   true for IN
 * @param endpoint             endpoint number 0..15
 * @param transferFlags        {@code USBIP_URB_*} flags
 * @param transferBufferLength 0..{@link UsbIpWire#MAX_TRANSFER_LENGTH}; IN: most bytes to read; OUT: data length
 * @param startFrame           ISO start frame
 * @param numberOfPackets      ISO packet count, 0 for non-ISO
 * @param interval             interrupt/ISO polling interval in frames
 * @param setup                8-byte SETUP packet for control requests, zeros otherwise
 * @param data                 OUT data; empty for IN
 * @param iso                  ISO descriptors; empty for non-ISO
 */
public record UrbRequest(boolean in, int endpoint, int transferFlags, int transferBufferLength, int startFrame,
                         int numberOfPackets, int interval, byte[] setup, byte[] data,
                         List<IsoPacketDescriptor> iso) {
    /** Copies the arrays and checks them against the direction and the wire limits. */
    public UrbRequest {
        if (endpoint < 0 || endpoint > 15) {
            throw new IllegalArgumentException("endpoint must be 0..15, got " + endpoint);
        }
        if (transferBufferLength < 0 || transferBufferLength > UsbIpWire.MAX_TRANSFER_LENGTH) {
            throw new IllegalArgumentException("transferBufferLength must be 0.." + UsbIpWire.MAX_TRANSFER_LENGTH
                    + ", got " + transferBufferLength);
        }
        setup = ByteArrays.copy(setup);
        if (setup.length != CmdSubmit.SETUP_SIZE) {
            throw new IllegalArgumentException("setup must be 8 bytes, got " + setup.length);
        }
        data = ByteArrays.copy(data);
        if (in ? data.length != 0 : data.length != transferBufferLength) {
            throw new IllegalArgumentException(in ? "an IN request carries no data"
                    : "OUT data length " + data.length + " != transferBufferLength " + transferBufferLength);
        }
        iso = List.copyOf(iso);
        if (iso.size() > UsbIpWire.MAX_ISO_PACKETS || (!iso.isEmpty() && iso.size() != numberOfPackets)) {
            throw new IllegalArgumentException(iso.size() + " ISO descriptors for numberOfPackets " + numberOfPackets);
        }
    }

    /**
     * A control transfer on endpoint 0. The direction is the data stage's: IN if bmRequestType
     * bit 7 is set and wLength is not 0, else OUT (facts-usb.md §1.6).
     *
     * @param bmRequestType request type
     * @param bRequest      request
     * @param wValue        value
     * @param wIndex        index
     * @param wLength       IN: bytes to read; OUT: must equal {@code outData.length}
     * @param outData       OUT data stage, empty for IN or no data stage
     * @return the request
     */
    public static UrbRequest control(int bmRequestType, int bRequest, int wValue, int wIndex, int wLength,
                                     byte[] outData) {
        byte[] setup = {
                (byte) bmRequestType, (byte) bRequest,
                (byte) wValue, (byte) (wValue >>> 8),
                (byte) wIndex, (byte) (wIndex >>> 8),
                (byte) wLength, (byte) (wLength >>> 8)};
        boolean in = (bmRequestType & 0x80) != 0 && wLength != 0;
        return new UrbRequest(in, 0, in ? Urb.DIR_IN : 0, wLength, 0, 0, 0, setup, outData, List.of());
    }

    /**
     * @param endpoint endpoint number 1..15
     * @param length   bytes to read
     * @return a bulk (or interrupt) IN request
     */
    public static UrbRequest bulkIn(int endpoint, int length) {
        return new UrbRequest(true, endpoint, Urb.DIR_IN, length, 0, 0, 0, new byte[8], new byte[0], List.of());
    }

    /**
     * @param endpoint endpoint number 1..15
     * @param data     bytes to write
     * @return a bulk (or interrupt) OUT request
     */
    public static UrbRequest bulkOut(int endpoint, byte[] data) {
        return new UrbRequest(false, endpoint, 0, data.length, 0, 0, 0, new byte[8], data, List.of());
    }

    /**
     * @param endpoint endpoint number 1..15
     * @param length   bytes to read
     * @param interval polling interval in frames
     * @return an interrupt IN request
     */
    public static UrbRequest interruptIn(int endpoint, int length, int interval) {
        return new UrbRequest(true, endpoint, Urb.DIR_IN, length, 0, 0, interval, new byte[8], new byte[0], List.of());
    }

    /** @return a copy of the SETUP packet */
    @Override
    public byte[] setup() {
        return setup.clone();
    }

    /** @return a copy of the OUT data */
    @Override
    public byte[] data() {
        return ByteArrays.copy(data);
    }

    /** @return true if ISO descriptors travel with the request */
    public boolean isochronous() {
        return !iso.isEmpty();
    }

    CmdSubmit toCmdSubmit(int seqnum, int devid) {
        return new CmdSubmit(seqnum, devid, in, endpoint, transferFlags, transferBufferLength, startFrame,
                numberOfPackets, interval, setup, data, iso);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UrbRequest r && in == r.in && endpoint == r.endpoint
                && transferFlags == r.transferFlags && transferBufferLength == r.transferBufferLength
                && startFrame == r.startFrame && numberOfPackets == r.numberOfPackets && interval == r.interval
                && Arrays.equals(setup, r.setup) && Arrays.equals(data, r.data) && iso.equals(r.iso);
    }

    @Override
    public int hashCode() {
        return Objects.hash(in, endpoint, transferFlags, transferBufferLength, startFrame, numberOfPackets,
                interval, Arrays.hashCode(setup), Arrays.hashCode(data), iso);
    }

    @Override
    public String toString() {
        return "UrbRequest[" + (in ? "IN" : "OUT") + ", ep=" + endpoint + ", flags=0x"
                + Integer.toHexString(transferFlags) + ", transferBufferLength=" + transferBufferLength
                + (endpoint == 0 ? ", setup=" + ByteArrays.summary(setup) : "")
                + ", data=" + ByteArrays.summary(data) + (iso.isEmpty() ? "" : ", iso=" + iso) + "]";
    }
}
