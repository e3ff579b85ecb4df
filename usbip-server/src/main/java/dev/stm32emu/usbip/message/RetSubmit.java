package dev.stm32emu.usbip.message;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code USBIP_RET_SUBMIT} (facts-usb.md §1.6): the 48-byte header (command 3, the URB's seqnum,
 * devid/direction/ep 0, then status, actual_length, start_frame, number_of_packets, error_count
 * and 8 zero bytes), then exactly {@code actual_length} data bytes if the URB was IN (none for
 * OUT), then ISO descriptors for ISO URBs.
 *
 * <p>The direction is not on the wire (replies carry 0): the receiver knows it from the URB it
 * submitted. It is part of this record because it decides whether data follows the header; a
 * mismatch would desynchronise the stream, which the Linux client treats as fatal (§1.8).
 *
 * @param seqnum          the submitted URB's seqnum
 * @param in              whether the URB was IN (not sent; decides whether data follows)
 * @param status          0 or a negative Linux errno
 * @param actualLength    bytes transferred, {@code >= 0}
 * @param startFrame      ISO start frame (0 for non-ISO)
 * @param numberOfPackets ISO packet count (0 for non-ISO)
 * @param errorCount      ISO packets with errors
 * @param data            IN data of exactly {@code actualLength} bytes; empty for OUT
 * @param iso             ISO descriptors: empty for non-ISO, else {@code numberOfPackets} of them
 */
public record RetSubmit(int seqnum, boolean in, int status, int actualLength, int startFrame,
                        int numberOfPackets, int errorCount, byte[] data,
                        List<IsoPacketDescriptor> iso) implements UsbIpMessage {
    /** Copies the data and checks that it matches the direction and actual length. */
    public RetSubmit {
        if (actualLength < 0) {
            throw new IllegalArgumentException("negative actual_length " + actualLength);
        }
        data = ByteArrays.copy(data);
        if (in ? data.length != actualLength : data.length != 0) {
            throw new IllegalArgumentException(in
                    ? "IN data length " + data.length + " != actual_length " + actualLength
                    : "an OUT completion carries no data");
        }
        iso = List.copyOf(iso);
        if (!iso.isEmpty() && iso.size() != numberOfPackets) {
            throw new IllegalArgumentException(iso.size() + " ISO descriptors for number_of_packets " + numberOfPackets);
        }
    }

    /**
     * @param seqnum the URB's seqnum
     * @param status 0 or a negative errno
     * @param data   the IN data; actual_length is its length
     * @return a non-ISO IN completion
     */
    public static RetSubmit in(int seqnum, int status, byte[] data) {
        return new RetSubmit(seqnum, true, status, data.length, 0, 0, 0, data, List.of());
    }

    /**
     * @param seqnum       the URB's seqnum
     * @param status       0 or a negative errno
     * @param actualLength bytes the device accepted
     * @return a non-ISO OUT completion
     */
    public static RetSubmit out(int seqnum, int status, int actualLength) {
        return new RetSubmit(seqnum, false, status, actualLength, 0, 0, 0, new byte[0], List.of());
    }

    /** @return a copy of the IN data */
    @Override
    public byte[] data() {
        return ByteArrays.copy(data);
    }

    /** @return the IN data as a read-only view, without copying */
    public ByteBuffer dataView() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetSubmit r && seqnum == r.seqnum && in == r.in && status == r.status
                && actualLength == r.actualLength && startFrame == r.startFrame
                && numberOfPackets == r.numberOfPackets && errorCount == r.errorCount
                && Arrays.equals(data, r.data) && iso.equals(r.iso);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seqnum, in, status, actualLength, startFrame, numberOfPackets, errorCount,
                Arrays.hashCode(data), iso);
    }

    @Override
    public String toString() {
        return "RetSubmit[seqnum=" + seqnum + ", " + (in ? "IN" : "OUT") + ", status=" + status
                + ", actualLength=" + actualLength + ", startFrame=" + startFrame
                + ", numberOfPackets=" + numberOfPackets + ", errorCount=" + errorCount
                + ", data=" + ByteArrays.summary(data) + ", iso=" + iso + "]";
    }
}
