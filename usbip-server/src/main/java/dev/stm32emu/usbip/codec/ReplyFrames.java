package dev.stm32emu.usbip.codec;

import dev.stm32emu.usbip.message.IsoPacketDescriptor;
import dev.stm32emu.usbip.message.OpCode;
import dev.stm32emu.usbip.message.OpRepDevlist;
import dev.stm32emu.usbip.message.OpRepImport;
import dev.stm32emu.usbip.message.OpStatus;
import dev.stm32emu.usbip.message.RetSubmit;
import dev.stm32emu.usbip.message.RetUnlink;
import dev.stm32emu.usbip.message.UrbCommand;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.message.UsbIpMessage;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Client-side framing: turns the replies a server sends (OP_REP_DEVLIST, OP_REP_IMPORT,
 * RET_SUBMIT, RET_UNLINK) into messages, as strictly as the Linux client checks them
 * (facts-usb.md §1.1, §1.8). Each method returns {@code null} without moving the reader index
 * while the frame is incomplete, and consumes exactly one frame otherwise.
 */
final class ReplyFrames {
    private ReplyFrames() {
    }

    /** Operation phase (facts-usb.md §1.2, §1.4, §1.5). */
    static UsbIpMessage operation(ByteBuf in) throws MalformedMessageException {
        if (in.readableBytes() < UsbIpWire.OP_HEADER_SIZE) {
            return null;
        }
        int start = in.readerIndex();
        WireFormat.requireVersion(in, start);
        int code = in.getUnsignedShort(start + 2);
        int status = in.getInt(start + 4);
        OpCode op = OpCode.find(code).orElseThrow(
                () -> new MalformedMessageException(String.format("unknown op code 0x%04x", code)));
        return switch (op) {
            case REP_DEVLIST -> devlist(in, start, status);
            case REP_IMPORT -> importReply(in, status);
            default -> throw new MalformedMessageException(String.format(
                    "op code 0x%04x (%s) is not a reply this client expects", code, op));
        };
    }

    private static OpRepDevlist devlist(ByteBuf in, int start, int status) throws MalformedMessageException {
        if (status != OpStatus.OK.code()) {
            in.skipBytes(UsbIpWire.OP_HEADER_SIZE);
            return new OpRepDevlist(status, List.of());
        }
        if (in.readableBytes() < UsbIpWire.OP_HEADER_SIZE + 4) {
            return null;
        }
        long count = in.getUnsignedInt(start + UsbIpWire.OP_HEADER_SIZE);
        if (count > UsbIpWire.MAX_DEVICES) {
            throw new MalformedMessageException("OP_REP_DEVLIST lists " + count + " devices, more than "
                    + UsbIpWire.MAX_DEVICES);
        }
        // walk the records without consuming: each is 312 bytes plus bNumInterfaces x 4 (§1.4)
        int length = UsbIpWire.OP_HEADER_SIZE + 4;
        for (long i = 0; i < count; i++) {
            if (in.readableBytes() < length + UsbIpWire.DEVICE_RECORD_SIZE) {
                return null;
            }
            int interfaces = in.getUnsignedByte(start + length + UsbIpWire.NUM_INTERFACES_OFFSET);
            length += UsbIpWire.DEVICE_RECORD_SIZE + interfaces * UsbIpWire.INTERFACE_RECORD_SIZE;
        }
        if (in.readableBytes() < length) {
            return null;
        }
        in.skipBytes(UsbIpWire.OP_HEADER_SIZE + 4);
        List<UsbDeviceInfo> devices = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            devices.add(WireFormat.readDevice(in, true));
        }
        return new OpRepDevlist(status, devices);
    }

    private static OpRepImport importReply(ByteBuf in, int status) throws MalformedMessageException {
        if (status != OpStatus.OK.code()) {
            // a failed import is the header only; the server closes the connection after it
            in.skipBytes(UsbIpWire.OP_HEADER_SIZE);
            return new OpRepImport(status, Optional.empty());
        }
        if (in.readableBytes() < UsbIpWire.IMPORT_REPLY_SIZE) {
            return null;
        }
        in.skipBytes(UsbIpWire.OP_HEADER_SIZE);
        return new OpRepImport(status, Optional.of(WireFormat.readDevice(in, false)));
    }

    /** URB phase (facts-usb.md §1.6). */
    static UsbIpMessage urb(ByteBuf in, UsbIpDecoder.OutstandingSubmits outstanding)
            throws MalformedMessageException {
        if (in.readableBytes() < UsbIpWire.URB_HEADER_SIZE) {
            return null;
        }
        int start = in.readerIndex();
        int code = in.getInt(start);
        UrbCommand command = UrbCommand.find(code).orElseThrow(
                () -> new MalformedMessageException(String.format("unknown command 0x%08x", code)));
        return switch (command) {
            case RET_SUBMIT -> retSubmit(in, start, outstanding);
            case RET_UNLINK -> retUnlink(in, start);
            case CMD_SUBMIT, CMD_UNLINK -> throw new MalformedMessageException(
                    command + " is a request; a server must not send it");
        };
    }

    private static RetSubmit retSubmit(ByteBuf in, int start, UsbIpDecoder.OutstandingSubmits outstanding)
            throws MalformedMessageException {
        int seqnum = in.getInt(start + 0x04);
        // devid, direction and ep (0x08..0x13) are 0 in replies and carry nothing
        int status = in.getInt(start + 0x14);
        int actualLength = in.getInt(start + 0x18);
        int startFrame = in.getInt(start + 0x1C);
        int numberOfPackets = in.getInt(start + 0x20);
        int errorCount = in.getInt(start + 0x24);
        // 0x28..0x2F: padding

        // vhci: "cannot find a urb of seqnum" tears the connection down (§1.7)
        UsbIpDecoder.OutstandingSubmit submitted = outstanding.find(seqnum);
        if (submitted == null) {
            throw new MalformedMessageException("RET_SUBMIT for seqnum " + seqnum + ", which is not outstanding");
        }
        if (actualLength < 0 || actualLength > UsbIpWire.MAX_TRANSFER_LENGTH) {
            throw new MalformedMessageException("RET_SUBMIT seqnum " + seqnum + ": actual_length " + actualLength
                    + " outside 0.." + UsbIpWire.MAX_TRANSFER_LENGTH);
        }
        if (submitted.in() && actualLength > submitted.transferBufferLength()) {
            // usbip_recv_xbuff: "probably malicious packet" (§1.8)
            throw new MalformedMessageException("RET_SUBMIT seqnum " + seqnum + ": actual_length " + actualLength
                    + " exceeds transfer_buffer_length " + submitted.transferBufferLength());
        }
        if (submitted.isochronous() && (numberOfPackets < 0 || numberOfPackets > UsbIpWire.MAX_ISO_PACKETS)) {
            throw new MalformedMessageException("RET_SUBMIT seqnum " + seqnum + ": number_of_packets "
                    + numberOfPackets + " outside 0.." + UsbIpWire.MAX_ISO_PACKETS);
        }
        int dataLength = submitted.in() ? actualLength : 0;
        int isoLength = submitted.isochronous() ? numberOfPackets * UsbIpWire.ISO_DESCRIPTOR_SIZE : 0;
        if (in.readableBytes() < UsbIpWire.URB_HEADER_SIZE + dataLength + isoLength) {
            return null;
        }
        in.skipBytes(UsbIpWire.URB_HEADER_SIZE);
        byte[] data = WireFormat.readBytes(in, dataLength);
        List<IsoPacketDescriptor> iso = List.of();
        if (submitted.isochronous()) {
            iso = WireFormat.readIso(in, numberOfPackets);
            long sum = 0;
            for (IsoPacketDescriptor d : iso) {
                sum += d.actualLength();
            }
            if (sum != actualLength) {
                // usbip_recv_iso rejects a mismatch (§1.8)
                throw new MalformedMessageException("RET_SUBMIT seqnum " + seqnum + ": ISO actual lengths sum to "
                        + sum + ", actual_length is " + actualLength);
            }
        }
        return new RetSubmit(seqnum, submitted.in(), status, actualLength, startFrame,
                numberOfPackets, errorCount, data, iso);
    }

    private static RetUnlink retUnlink(ByteBuf in, int start) {
        int seqnum = in.getInt(start + 0x04);
        int status = in.getInt(start + 0x14);
        in.skipBytes(UsbIpWire.URB_HEADER_SIZE);
        return new RetUnlink(seqnum, status);
    }
}
