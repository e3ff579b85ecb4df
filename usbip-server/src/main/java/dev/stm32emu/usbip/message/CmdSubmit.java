package dev.stm32emu.usbip.message;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code USBIP_CMD_SUBMIT} (facts-usb.md §1.6): the 48-byte header (command 1), then exactly
 * {@code transfer_buffer_length} bytes of data if the direction is OUT (none for IN), then,
 * only for isochronous endpoints, {@code number_of_packets} 16-byte ISO descriptors.
 *
 * <p>The transfer type is not on the wire: the server learns it from the endpoint descriptors
 * (§1.6), which is why the decoder asks whether an endpoint is isochronous. For non-ISO URBs
 * {@code number_of_packets} is whatever the sender put there (0 from Linux, 0xffffffff per the
 * protocol document) and {@link #iso()} is empty.
 *
 * @param seqnum               client-assigned, unique among the client's outstanding URBs
 * @param devid                {@code (busnum << 16) | devnum} as the client computed it
 * @param in                   direction: true = IN (device to host); for control URBs the data-stage direction
 * @param endpoint             endpoint number 0..15, without the direction bit
 * @param transferFlags        {@code USBIP_URB_*} flags
 * @param transferBufferLength buffer size, {@code >= 0}; for OUT the number of data bytes that follow
 * @param startFrame           ISO start frame
 * @param numberOfPackets      ISO packet count (anything for non-ISO)
 * @param interval             polling interval for interrupt/ISO URBs
 * @param setup                the raw 8-byte SETUP packet (little-endian USB fields), zero for non-control
 * @param data                 OUT payload of exactly {@code transferBufferLength} bytes; empty for IN
 * @param iso                  ISO descriptors: empty for non-ISO, else {@code numberOfPackets} of them
 */
public record CmdSubmit(int seqnum, int devid, boolean in, int endpoint, int transferFlags,
                        int transferBufferLength, int startFrame, int numberOfPackets, int interval,
                        byte[] setup, byte[] data, List<IsoPacketDescriptor> iso) implements UsbIpMessage {
    /** Size of the SETUP packet field. */
    public static final int SETUP_SIZE = 8;

    /** Copies the arrays and checks that the payload matches the header. */
    public CmdSubmit {
        if (endpoint < 0 || endpoint > 15) {
            throw new IllegalArgumentException("endpoint must be 0..15, got " + endpoint);
        }
        if (transferBufferLength < 0) {
            throw new IllegalArgumentException("negative transfer_buffer_length " + transferBufferLength);
        }
        setup = ByteArrays.copy(setup);
        if (setup.length != SETUP_SIZE) {
            throw new IllegalArgumentException("setup must be 8 bytes, got " + setup.length);
        }
        data = ByteArrays.copy(data);
        if (in ? data.length != 0 : data.length != transferBufferLength) {
            throw new IllegalArgumentException(in
                    ? "an IN submit carries no data"
                    : "OUT data length " + data.length + " != transfer_buffer_length " + transferBufferLength);
        }
        iso = List.copyOf(iso);
        if (!iso.isEmpty() && iso.size() != numberOfPackets) {
            throw new IllegalArgumentException(iso.size() + " ISO descriptors for number_of_packets " + numberOfPackets);
        }
    }

    /** @return a copy of the 8 SETUP bytes */
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

    /** @return the SETUP packet as a read-only view, without copying */
    public ByteBuffer setupView() {
        return ByteBuffer.wrap(setup).asReadOnlyBuffer();
    }

    /** @return true if ISO descriptors travel with this URB */
    public boolean isochronous() {
        return !iso.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CmdSubmit c && seqnum == c.seqnum && devid == c.devid && in == c.in
                && endpoint == c.endpoint && transferFlags == c.transferFlags
                && transferBufferLength == c.transferBufferLength && startFrame == c.startFrame
                && numberOfPackets == c.numberOfPackets && interval == c.interval
                && Arrays.equals(setup, c.setup) && Arrays.equals(data, c.data) && iso.equals(c.iso);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seqnum, devid, in, endpoint, transferFlags, transferBufferLength, startFrame,
                numberOfPackets, interval, Arrays.hashCode(setup), Arrays.hashCode(data), iso);
    }

    @Override
    public String toString() {
        return "CmdSubmit[seqnum=" + seqnum + ", devid=0x" + Integer.toHexString(devid)
                + ", " + (in ? "IN" : "OUT") + ", ep=" + endpoint
                + ", flags=0x" + Integer.toHexString(transferFlags)
                + ", transferBufferLength=" + transferBufferLength + ", startFrame=" + startFrame
                + ", numberOfPackets=" + numberOfPackets + ", interval=" + interval
                + ", setup=" + ByteArrays.summary(setup) + ", data=" + ByteArrays.summary(data)
                + ", iso=" + iso + "]";
    }
}
