package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.message.ByteArrays;
import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.message.IsoPacketDescriptor;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A USB request block as a device sees it: the fields of a CMD_SUBMIT (facts-usb.md §1.6).
 *
 * <p>Endpoint 0 is the control pipe; whether another endpoint is bulk, interrupt or ISO is known
 * only from the device's descriptors. For control URBs {@code in} is the data-stage direction
 * (bmRequestType bit 7; wLength 0 means OUT) and {@code transferBufferLength} is wLength.
 *
 * @param seqnum               the client's sequence number, the key for {@link UsbIpDevice#unlink(int)}
 * @param devid                the client's {@code (busnum << 16) | devnum}; informational
 * @param in                   true for IN (device to host)
 * @param endpoint             endpoint number 0..15, without the direction bit
 * @param transferFlags        {@code USBIP_URB_*} flags, see the constants
 * @param transferBufferLength buffer size: the most an IN transfer may return; for OUT the data length
 * @param startFrame           ISO start frame
 * @param numberOfPackets      ISO packet count; meaningless for non-ISO (0 or -1 on the wire)
 * @param interval             polling interval of interrupt/ISO URBs, in frames
 * @param setup                the 8-byte SETUP packet for control URBs (little-endian USB fields), else zeros
 * @param data                 OUT payload ({@code transferBufferLength} bytes); empty for IN
 * @param iso                  ISO packet descriptors; empty for non-ISO
 */
public record Urb(int seqnum, int devid, boolean in, int endpoint, int transferFlags, int transferBufferLength,
                  int startFrame, int numberOfPackets, int interval, byte[] setup, byte[] data,
                  List<IsoPacketDescriptor> iso) {
    /** {@code USBIP_URB_SHORT_NOT_OK}: a short IN packet completes with -EREMOTEIO. */
    public static final int SHORT_NOT_OK = 0x0001;
    /** {@code USBIP_URB_ISO_ASAP}: start the ISO transfer as soon as possible. */
    public static final int ISO_ASAP = 0x0002;
    /** {@code USBIP_URB_ZERO_PACKET}: end a bulk OUT whose length is a multiple of MPS with a ZLP. */
    public static final int ZERO_PACKET = 0x0040;
    /** {@code USBIP_URB_NO_INTERRUPT}. */
    public static final int NO_INTERRUPT = 0x0080;
    /** {@code USBIP_URB_DIR_IN}. */
    public static final int DIR_IN = 0x0200;

    /** Copies the arrays and checks the payload against the direction. */
    public Urb {
        setup = ByteArrays.copy(setup);
        if (setup.length != CmdSubmit.SETUP_SIZE) {
            throw new IllegalArgumentException("setup must be 8 bytes, got " + setup.length);
        }
        data = ByteArrays.copy(data);
        if (in ? data.length != 0 : data.length != transferBufferLength) {
            throw new IllegalArgumentException(in ? "an IN URB carries no data"
                    : "OUT data length " + data.length + " != transfer_buffer_length " + transferBufferLength);
        }
        iso = List.copyOf(iso);
    }

    /**
     * @param submit a decoded CMD_SUBMIT
     * @return the same request as a URB
     */
    public static Urb from(CmdSubmit submit) {
        return new Urb(submit.seqnum(), submit.devid(), submit.in(), submit.endpoint(), submit.transferFlags(),
                submit.transferBufferLength(), submit.startFrame(), submit.numberOfPackets(), submit.interval(),
                submit.setup(), submit.data(), submit.iso());
    }

    /** @return a copy of the SETUP packet */
    @Override
    public byte[] setup() {
        return setup.clone();
    }

    /** @return a copy of the OUT payload */
    @Override
    public byte[] data() {
        return ByteArrays.copy(data);
    }

    /** @return the OUT payload as a read-only view, without copying */
    public ByteBuffer dataView() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** @return true for the control endpoint */
    public boolean isControl() {
        return endpoint == 0;
    }

    /** @return true if ISO descriptors came with the URB */
    public boolean isochronous() {
        return !iso.isEmpty();
    }

    /** @return SETUP byte 0, bmRequestType */
    public int bmRequestType() {
        return setup[0] & 0xff;
    }

    /** @return SETUP byte 1, bRequest */
    public int bRequest() {
        return setup[1] & 0xff;
    }

    /** @return SETUP bytes 2..3, wValue (little-endian) */
    public int wValue() {
        return (setup[2] & 0xff) | (setup[3] & 0xff) << 8;
    }

    /** @return SETUP bytes 4..5, wIndex (little-endian) */
    public int wIndex() {
        return (setup[4] & 0xff) | (setup[5] & 0xff) << 8;
    }

    /** @return SETUP bytes 6..7, wLength (little-endian) */
    public int wLength() {
        return (setup[6] & 0xff) | (setup[7] & 0xff) << 8;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Urb u && seqnum == u.seqnum && devid == u.devid && in == u.in
                && endpoint == u.endpoint && transferFlags == u.transferFlags
                && transferBufferLength == u.transferBufferLength && startFrame == u.startFrame
                && numberOfPackets == u.numberOfPackets && interval == u.interval
                && Arrays.equals(setup, u.setup) && Arrays.equals(data, u.data) && iso.equals(u.iso);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seqnum, devid, in, endpoint, transferFlags, transferBufferLength, startFrame,
                numberOfPackets, interval, Arrays.hashCode(setup), Arrays.hashCode(data), iso);
    }

    @Override
    public String toString() {
        return "Urb[seqnum=" + seqnum + ", " + (in ? "IN" : "OUT") + ", ep=" + endpoint
                + ", flags=0x" + Integer.toHexString(transferFlags)
                + ", transferBufferLength=" + transferBufferLength
                + (endpoint == 0 ? ", setup=" + ByteArrays.summary(setup) : "")
                + ", data=" + ByteArrays.summary(data)
                + (iso.isEmpty() ? "" : ", startFrame=" + startFrame + ", iso=" + iso) + "]";
    }
}
