package dev.stm32emu.usbip.codec;

import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.message.CmdUnlink;
import dev.stm32emu.usbip.message.IsoPacketDescriptor;
import dev.stm32emu.usbip.message.OpCode;
import dev.stm32emu.usbip.message.OpReqDevlist;
import dev.stm32emu.usbip.message.OpReqImport;
import dev.stm32emu.usbip.message.UrbCommand;
import dev.stm32emu.usbip.message.UsbIpMessage;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * Server-side framing: turns the requests a client sends (OP_REQ_DEVLIST, OP_REQ_IMPORT, CMD_SUBMIT,
 * CMD_UNLINK) into messages. Each method returns {@code null} without moving the reader index
 * while the frame is incomplete, and consumes exactly one frame otherwise.
 */
final class RequestFrames {
    private RequestFrames() {
    }

    /** Operation phase (facts-usb.md §1.2, §1.4, §1.5). */
    static UsbIpMessage operation(ByteBuf in) throws MalformedMessageException {
        if (in.readableBytes() < UsbIpWire.OP_HEADER_SIZE) {
            return null;
        }
        int start = in.readerIndex();
        WireFormat.requireVersion(in, start);
        int code = in.getUnsignedShort(start + 2);
        // the status field of a request (start + 4) should be 0; usbipd ignores it and so do we
        OpCode op = OpCode.find(code).orElseThrow(
                () -> new MalformedMessageException(String.format("unknown op code 0x%04x", code)));
        switch (op) {
            case REQ_DEVLIST -> {
                in.skipBytes(UsbIpWire.OP_HEADER_SIZE);
                return new OpReqDevlist();
            }
            case REQ_IMPORT -> {
                if (in.readableBytes() < UsbIpWire.IMPORT_REQUEST_SIZE) {
                    return null;
                }
                in.skipBytes(UsbIpWire.OP_HEADER_SIZE);
                return new OpReqImport(WireFormat.readFixedString(in, UsbIpWire.BUSID_SIZE, "OP_REQ_IMPORT busid"));
            }
            default -> throw new MalformedMessageException(String.format(
                    "op code 0x%04x (%s) is not a request this server accepts", code, op));
        }
    }

    /** URB phase (facts-usb.md §1.6). */
    static UsbIpMessage urb(ByteBuf in, UsbIpDecoder.IsoEndpoints isoEndpoints) throws MalformedMessageException {
        if (in.readableBytes() < UsbIpWire.URB_HEADER_SIZE) {
            return null;
        }
        int start = in.readerIndex();
        int code = in.getInt(start);
        UrbCommand command = UrbCommand.find(code).orElseThrow(
                () -> new MalformedMessageException(String.format("unknown command 0x%08x", code)));
        return switch (command) {
            case CMD_SUBMIT -> submit(in, start, isoEndpoints);
            case CMD_UNLINK -> unlink(in, start);
            case RET_SUBMIT, RET_UNLINK -> throw new MalformedMessageException(
                    command + " is a reply; a client must not send it");
        };
    }

    private static CmdSubmit submit(ByteBuf in, int start, UsbIpDecoder.IsoEndpoints isoEndpoints)
            throws MalformedMessageException {
        int seqnum = in.getInt(start + 0x04);
        int devid = in.getInt(start + 0x08);
        int direction = in.getInt(start + 0x0C);
        int endpoint = in.getInt(start + 0x10);
        int transferFlags = in.getInt(start + 0x14);
        int transferBufferLength = in.getInt(start + 0x18);
        int startFrame = in.getInt(start + 0x1C);
        int numberOfPackets = in.getInt(start + 0x20);
        int interval = in.getInt(start + 0x24);
        // setup[8] at 0x28, raw bytes

        if (direction != UsbIpWire.DIR_OUT && direction != UsbIpWire.DIR_IN) {
            throw new MalformedMessageException("CMD_SUBMIT seqnum " + seqnum + ": direction " + direction);
        }
        if (endpoint < 0 || endpoint > 15) {
            throw new MalformedMessageException("CMD_SUBMIT seqnum " + seqnum + ": endpoint " + endpoint);
        }
        if (transferBufferLength < 0 || transferBufferLength > UsbIpWire.MAX_TRANSFER_LENGTH) {
            throw new MalformedMessageException("CMD_SUBMIT seqnum " + seqnum + ": transfer_buffer_length "
                    + transferBufferLength + " outside 0.." + UsbIpWire.MAX_TRANSFER_LENGTH);
        }
        boolean directionIn = direction == UsbIpWire.DIR_IN;
        // only ISO endpoints carry descriptors; non-ISO number_of_packets may be anything (§1.6)
        boolean iso = isoEndpoints.isIsochronous(endpoint, directionIn);
        if (iso && (numberOfPackets < 0 || numberOfPackets > UsbIpWire.MAX_ISO_PACKETS)) {
            throw new MalformedMessageException("CMD_SUBMIT seqnum " + seqnum + ": number_of_packets "
                    + numberOfPackets + " outside 0.." + UsbIpWire.MAX_ISO_PACKETS);
        }
        int dataLength = directionIn ? 0 : transferBufferLength;
        int isoLength = iso ? numberOfPackets * UsbIpWire.ISO_DESCRIPTOR_SIZE : 0;
        if (in.readableBytes() < UsbIpWire.URB_HEADER_SIZE + dataLength + isoLength) {
            return null;
        }
        byte[] setup = new byte[CmdSubmit.SETUP_SIZE];
        in.getBytes(start + 0x28, setup);
        in.skipBytes(UsbIpWire.URB_HEADER_SIZE);
        byte[] data = WireFormat.readBytes(in, dataLength);
        List<IsoPacketDescriptor> descriptors = iso ? WireFormat.readIso(in, numberOfPackets) : List.of();
        return new CmdSubmit(seqnum, devid, directionIn, endpoint, transferFlags, transferBufferLength, startFrame,
                numberOfPackets, interval, setup, data, descriptors);
    }

    private static CmdUnlink unlink(ByteBuf in, int start) {
        int seqnum = in.getInt(start + 0x04);
        int devid = in.getInt(start + 0x08);
        // direction (0x0C) and ep (0x10) carry nothing for an unlink; vhci sends 0
        int unlinkSeqnum = in.getInt(start + 0x14);
        // 0x18..0x2F: padding
        in.skipBytes(UsbIpWire.URB_HEADER_SIZE);
        return new CmdUnlink(seqnum, devid, unlinkSeqnum);
    }
}
