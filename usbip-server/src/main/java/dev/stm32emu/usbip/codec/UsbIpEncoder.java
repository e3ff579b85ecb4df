package dev.stm32emu.usbip.codec;

import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.message.CmdUnlink;
import dev.stm32emu.usbip.message.OpCode;
import dev.stm32emu.usbip.message.OpRepDevlist;
import dev.stm32emu.usbip.message.OpRepImport;
import dev.stm32emu.usbip.message.OpReqDevlist;
import dev.stm32emu.usbip.message.OpReqImport;
import dev.stm32emu.usbip.message.OpStatus;
import dev.stm32emu.usbip.message.RetSubmit;
import dev.stm32emu.usbip.message.RetUnlink;
import dev.stm32emu.usbip.message.UrbCommand;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.message.UsbIpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes every {@link UsbIpMessage}, in either direction, exactly as facts-usb.md §1 lays it out.
 * Stateless, so one instance serves all channels.
 *
 * <p>Replies carry devid, direction and ep 0 (§1.6 and §2.7 item 6); RET_SUBMIT carries data only
 * for IN URBs, exactly {@code actual_length} bytes (the record guarantees both); an IMPORT reply
 * carries no interface records (§1.5).
 */
@Sharable
public final class UsbIpEncoder extends MessageToByteEncoder<UsbIpMessage> {
    /** The shared instance. */
    public static final UsbIpEncoder INSTANCE = new UsbIpEncoder();

    private UsbIpEncoder() {
        super(UsbIpMessage.class);
    }

    /**
     * @param message any message
     * @return the number of bytes {@link #encode(UsbIpMessage, ByteBuf)} writes for it
     */
    public static int encodedSize(UsbIpMessage message) {
        return switch (message) {
            case OpReqDevlist _ -> UsbIpWire.OP_HEADER_SIZE;
            case OpRepDevlist m -> {
                if (m.status() != OpStatus.OK.code()) {
                    yield UsbIpWire.OP_HEADER_SIZE;
                }
                int size = UsbIpWire.OP_HEADER_SIZE + 4;
                for (UsbDeviceInfo d : m.devices()) {
                    size += UsbIpWire.DEVICE_RECORD_SIZE + d.bNumInterfaces() * UsbIpWire.INTERFACE_RECORD_SIZE;
                }
                yield size;
            }
            case OpReqImport _ -> UsbIpWire.IMPORT_REQUEST_SIZE;
            case OpRepImport m -> m.device().isPresent() ? UsbIpWire.IMPORT_REPLY_SIZE : UsbIpWire.OP_HEADER_SIZE;
            case CmdSubmit m -> UsbIpWire.URB_HEADER_SIZE + m.dataView().remaining()
                    + m.iso().size() * UsbIpWire.ISO_DESCRIPTOR_SIZE;
            case RetSubmit m -> UsbIpWire.URB_HEADER_SIZE + m.dataView().remaining()
                    + m.iso().size() * UsbIpWire.ISO_DESCRIPTOR_SIZE;
            case CmdUnlink _ -> UsbIpWire.URB_HEADER_SIZE;
            case RetUnlink _ -> UsbIpWire.URB_HEADER_SIZE;
        };
    }

    /**
     * Writes one message.
     *
     * @param message any message
     * @param out     where the bytes go
     */
    public static void encode(UsbIpMessage message, ByteBuf out) {
        switch (message) {
            case OpReqDevlist _ -> WireFormat.writeOpHeader(out, OpCode.REQ_DEVLIST.code(), 0);
            case OpRepDevlist m -> {
                WireFormat.writeOpHeader(out, OpCode.REP_DEVLIST.code(), m.status());
                if (m.status() == OpStatus.OK.code()) {
                    out.writeInt(m.devices().size());                // ndev
                    for (UsbDeviceInfo d : m.devices()) {
                        WireFormat.writeDevice(out, d);
                        WireFormat.writeInterfaces(out, d);          // exactly bNumInterfaces records
                    }
                }
            }
            case OpReqImport m -> {
                WireFormat.writeOpHeader(out, OpCode.REQ_IMPORT.code(), 0);
                WireFormat.writeFixedString(out, m.busid(), UsbIpWire.BUSID_SIZE);
            }
            case OpRepImport m -> {
                WireFormat.writeOpHeader(out, OpCode.REP_IMPORT.code(), m.status());
                m.device().ifPresent(d -> WireFormat.writeDevice(out, d));   // no interface records
            }
            case CmdSubmit m -> {
                out.writeInt(UrbCommand.CMD_SUBMIT.code());
                out.writeInt(m.seqnum());
                out.writeInt(m.devid());
                out.writeInt(m.in() ? UsbIpWire.DIR_IN : UsbIpWire.DIR_OUT);
                out.writeInt(m.endpoint());
                out.writeInt(m.transferFlags());                     // 0x14
                out.writeInt(m.transferBufferLength());              // 0x18
                out.writeInt(m.startFrame());                        // 0x1C
                out.writeInt(m.numberOfPackets());                   // 0x20
                out.writeInt(m.interval());                          // 0x24
                out.writeBytes(m.setupView());                       // 0x28, 8 raw bytes
                out.writeBytes(m.dataView());                        // OUT payload; empty for IN
                WireFormat.writeIso(out, m.iso());
            }
            case RetSubmit m -> {
                writeReplyBasics(out, UrbCommand.RET_SUBMIT, m.seqnum());
                out.writeInt(m.status());                            // 0x14
                out.writeInt(m.actualLength());                      // 0x18
                out.writeInt(m.startFrame());                        // 0x1C
                out.writeInt(m.numberOfPackets());                   // 0x20
                out.writeInt(m.errorCount());                        // 0x24
                out.writeZero(8);                                    // 0x28 padding
                out.writeBytes(m.dataView());                        // IN data; empty for OUT
                WireFormat.writeIso(out, m.iso());
            }
            case CmdUnlink m -> {
                out.writeInt(UrbCommand.CMD_UNLINK.code());
                out.writeInt(m.seqnum());
                out.writeInt(m.devid());
                out.writeInt(UsbIpWire.DIR_OUT);                      // direction: unused
                out.writeInt(0);                                     // ep: unused
                out.writeInt(m.unlinkSeqnum());                      // 0x14
                out.writeZero(24);                                   // 0x18 padding
            }
            case RetUnlink m -> {
                writeReplyBasics(out, UrbCommand.RET_UNLINK, m.seqnum());
                out.writeInt(m.status());                            // 0x14
                out.writeZero(24);                                   // 0x18 padding
            }
        }
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, UsbIpMessage msg, boolean preferDirect) {
        int size = encodedSize(msg);
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, UsbIpMessage msg, ByteBuf out) {
        encode(msg, out);
    }

    /** command, seqnum, then devid, direction and ep, which are 0 in every reply (§1.6). */
    private static void writeReplyBasics(ByteBuf out, UrbCommand command, int seqnum) {
        out.writeInt(command.code());
        out.writeInt(seqnum);
        out.writeInt(0);                                             // devid
        out.writeInt(0);                                             // direction
        out.writeInt(0);                                             // ep
    }
}
