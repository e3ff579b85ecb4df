package dev.stm32emu.usbip.testing;

import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.message.CmdUnlink;
import dev.stm32emu.usbip.message.IsoPacketDescriptor;
import dev.stm32emu.usbip.message.OpRepDevlist;
import dev.stm32emu.usbip.message.OpRepImport;
import dev.stm32emu.usbip.message.OpReqDevlist;
import dev.stm32emu.usbip.message.OpReqImport;
import dev.stm32emu.usbip.message.OpStatus;
import dev.stm32emu.usbip.message.RetSubmit;
import dev.stm32emu.usbip.message.RetUnlink;
import dev.stm32emu.usbip.message.UsbIpMessage;

import java.util.List;

import static dev.stm32emu.usbip.testing.WireBytes.bytes;
import static dev.stm32emu.usbip.testing.WireBytes.hex;
import static dev.stm32emu.usbip.testing.WireBytes.padded;
import static dev.stm32emu.usbip.testing.WireBytes.zeros;

/**
 * A message and its exact bytes on the wire, written out field by field from facts-usb.md §1.
 *
 * @param name    for test names
 * @param message the message
 * @param wire    its encoding
 */
public record Golden(String name, UsbIpMessage message, byte[] wire) {
    /** An 18-byte device descriptor (0483:df11), the payload of a GET_DESCRIPTOR(DEVICE) reply. */
    public static final byte[] DEVICE_DESCRIPTOR = hex("12 01 0002 00 00 00 40 8304 11df 0022 01 02 03 01");

    @Override
    public String toString() {
        return name;
    }

    /** @return OP_REQ_DEVLIST (§1.4) */
    public static Golden devlistRequest() {
        return new Golden("OP_REQ_DEVLIST", new OpReqDevlist(), bytes(
                "0111",                                  // version
                "8005",                                  // code OP_REQ_DEVLIST
                "00000000"));                            // status
    }

    /** @return OP_REP_DEVLIST with two devices and their interface records (§1.4) */
    public static Golden devlistReply() {
        return new Golden("OP_REP_DEVLIST", OpRepDevlist.of(List.of(Fixtures.DFU, Fixtures.CDC)), bytes(
                "0111",                                  // version
                "0005",                                  // code OP_REP_DEVLIST
                "00000000",                              // status ST_OK
                "00000002",                              // ndev
                Fixtures.dfuRecord(),                    // device 0 at 0x0C
                Fixtures.dfuInterfaces(),                // its bNumInterfaces = 1 record at 0x144
                Fixtures.cdcRecord(),                    // device 1
                Fixtures.cdcInterfaces()));              // its 2 records
    }

    /** @return OP_REP_DEVLIST with no devices */
    public static Golden emptyDevlistReply() {
        return new Golden("empty OP_REP_DEVLIST", OpRepDevlist.of(List.of()), bytes(
                "0111",                                  // version
                "0005",                                  // code OP_REP_DEVLIST
                "00000000",                              // status ST_OK
                "00000000"));                            // ndev 0 ends the message
    }

    /** @return OP_REQ_IMPORT for "1-1" (§1.5) */
    public static Golden importRequest() {
        return new Golden("OP_REQ_IMPORT", new OpReqImport("1-1"), bytes(
                "0111",                                  // version
                "8003",                                  // code OP_REQ_IMPORT
                "00000000",                              // status
                padded("1-1", 32)));                     // busid, NUL-padded to 32
    }

    /**
     * @return a successful OP_REP_IMPORT (§1.5): 320 bytes, the record keeps bNumInterfaces = 1 but
     *         no interface record follows; decoding it yields the device without its interface list
     */
    public static Golden importReply() {
        return new Golden("OP_REP_IMPORT", OpRepImport.ok(Fixtures.DFU), bytes(
                "0111",                                  // version
                "0003",                                  // code OP_REP_IMPORT
                "00000000",                              // status ST_OK
                Fixtures.dfuRecord()));                  // device record, no interface records
    }

    /** @return a refused OP_REP_IMPORT: the header only (§1.5) */
    public static Golden importRefused() {
        return new Golden("refused OP_REP_IMPORT", OpRepImport.failed(OpStatus.NODEV), bytes(
                "0111",                                  // version
                "0003",                                  // code OP_REP_IMPORT
                "00000004"));                            // status ST_NODEV
    }

    /** @return CMD_SUBMIT: control IN GET_DESCRIPTOR(DEVICE, 64), as vhci sends it on attach (§2.3) */
    public static Golden controlInSubmit() {
        return new Golden("CMD_SUBMIT control IN", new CmdSubmit(1, 0x00010002, true, 0, 0x200, 64, 0, 0, 0,
                hex("80 06 0001 0000 4000"), new byte[0], List.of()), bytes(
                "00000001",                              // 0x00 command CMD_SUBMIT
                "00000001",                              // 0x04 seqnum
                "00010002",                              // 0x08 devid = busnum 1 << 16 | devnum 2
                "00000001",                              // 0x0C direction IN
                "00000000",                              // 0x10 ep 0
                "00000200",                              // 0x14 transfer_flags URB_DIR_IN
                "00000040",                              // 0x18 transfer_buffer_length 64
                "00000000",                              // 0x1C start_frame
                "00000000",                              // 0x20 number_of_packets (Linux: 0)
                "00000000",                              // 0x24 interval
                "80 06 0001 0000 4000"));                // 0x28 setup, raw little-endian: GET_DESCRIPTOR(DEVICE), wLength 64
    }

    /** @return CMD_SUBMIT: bulk OUT with 4 data bytes and the protocol document's -1 fields */
    public static Golden bulkOutSubmit() {
        return new Golden("CMD_SUBMIT bulk OUT", new CmdSubmit(2, 0x00010002, false, 1, 0x40, 4, -1, -1, 0,
                new byte[8], hex("deadbeef"), List.of()), bytes(
                "00000001",                              // 0x00 command CMD_SUBMIT
                "00000002",                              // 0x04 seqnum
                "00010002",                              // 0x08 devid
                "00000000",                              // 0x0C direction OUT
                "00000001",                              // 0x10 ep 1
                "00000040",                              // 0x14 transfer_flags URB_ZERO_PACKET
                "00000004",                              // 0x18 transfer_buffer_length 4
                "ffffffff",                              // 0x1C start_frame -1
                "ffffffff",                              // 0x20 number_of_packets 0xffffffff (non-ISO)
                "00000000",                              // 0x24 interval
                zeros(8),                                // 0x28 setup, zero for non-control
                "deadbeef"));                            // OUT payload, exactly transfer_buffer_length bytes
    }

    /** @return CMD_SUBMIT: ISO IN on ep 3 with two packet descriptors and no data */
    public static Golden isoInSubmit() {
        return new Golden("CMD_SUBMIT ISO IN", new CmdSubmit(3, 0x00010002, true, 3, 0x202, 384, 7, 2, 1,
                new byte[8], new byte[0], List.of(new IsoPacketDescriptor(0, 192, 0, 0),
                new IsoPacketDescriptor(192, 192, 0, 0))), bytes(
                "00000001",                              // 0x00 command CMD_SUBMIT
                "00000003",                              // 0x04 seqnum
                "00010002",                              // 0x08 devid
                "00000001",                              // 0x0C direction IN
                "00000003",                              // 0x10 ep 3
                "00000202",                              // 0x14 transfer_flags DIR_IN | ISO_ASAP
                "00000180",                              // 0x18 transfer_buffer_length 384
                "00000007",                              // 0x1C start_frame
                "00000002",                              // 0x20 number_of_packets
                "00000001",                              // 0x24 interval
                zeros(8),                                // 0x28 setup
                "00000000 000000c0 00000000 00000000",   // iso[0]: offset, length, actual_length, status
                "000000c0 000000c0 00000000 00000000")); // iso[1]
    }

    /** @return CMD_UNLINK of seqnum 2 (§1.6) */
    public static Golden unlinkRequest() {
        return new Golden("CMD_UNLINK", new CmdUnlink(5, 0x00010002, 2), bytes(
                "00000002",                              // 0x00 command CMD_UNLINK
                "00000005",                              // 0x04 its own seqnum
                "00010002",                              // 0x08 devid
                "00000000",                              // 0x0C direction (unused)
                "00000000",                              // 0x10 ep (unused)
                "00000002",                              // 0x14 unlink_seqnum: the victim
                zeros(24)));                             // 0x18 padding
    }

    /** @return RET_SUBMIT of a control IN with the 18-byte device descriptor */
    public static Golden controlInReply() {
        return new Golden("RET_SUBMIT IN", RetSubmit.in(1, 0, DEVICE_DESCRIPTOR), bytes(
                "00000003",                              // 0x00 command RET_SUBMIT
                "00000001",                              // 0x04 seqnum of the CMD_SUBMIT
                "00000000",                              // 0x08 devid 0 in replies
                "00000000",                              // 0x0C direction 0 in replies
                "00000000",                              // 0x10 ep 0 in replies
                "00000000",                              // 0x14 status 0
                "00000012",                              // 0x18 actual_length 18
                "00000000",                              // 0x1C start_frame
                "00000000",                              // 0x20 number_of_packets 0 (non-ISO)
                "00000000",                              // 0x24 error_count
                zeros(8),                                // 0x28 padding
                DEVICE_DESCRIPTOR));                     // IN data: exactly actual_length bytes
    }

    /** @return RET_SUBMIT of a bulk OUT: actual_length 4 and no data */
    public static Golden bulkOutReply() {
        return new Golden("RET_SUBMIT OUT", RetSubmit.out(2, 0, 4), bytes(
                "00000003",                              // 0x00 command RET_SUBMIT
                "00000002",                              // 0x04 seqnum
                "00000000 00000000 00000000",            // 0x08 devid, direction, ep: 0
                "00000000",                              // 0x14 status 0
                "00000004",                              // 0x18 actual_length 4
                "00000000",                              // 0x1C start_frame
                "00000000",                              // 0x20 number_of_packets
                "00000000",                              // 0x24 error_count
                zeros(8)));                              // 0x28 padding; no data for OUT
    }

    /** @return RET_SUBMIT of a stalled control IN: -EPIPE, no data */
    public static Golden stallReply() {
        return new Golden("RET_SUBMIT stall", RetSubmit.in(1, -32, new byte[0]), bytes(
                "00000003",                              // 0x00 command RET_SUBMIT
                "00000001",                              // 0x04 seqnum
                "00000000 00000000 00000000",            // 0x08 devid, direction, ep: 0
                "ffffffe0",                              // 0x14 status -32 EPIPE
                "00000000",                              // 0x18 actual_length 0
                "00000000",                              // 0x1C start_frame
                "00000000",                              // 0x20 number_of_packets
                "00000000",                              // 0x24 error_count
                zeros(8)));                              // 0x28 padding
    }

    /** @return RET_SUBMIT of an ISO IN: packed data (actual_length bytes), then the descriptors */
    public static Golden isoInReply() {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        return new Golden("RET_SUBMIT ISO IN", new RetSubmit(3, true, 0, 300, 0x10, 2, 0, data,
                List.of(new IsoPacketDescriptor(0, 192, 192, 0), new IsoPacketDescriptor(192, 192, 108, 0))), bytes(
                "00000003",                              // 0x00 command RET_SUBMIT
                "00000003",                              // 0x04 seqnum
                "00000000 00000000 00000000",            // 0x08 devid, direction, ep: 0
                "00000000",                              // 0x14 status
                "0000012c",                              // 0x18 actual_length 300 = 192 + 108
                "00000010",                              // 0x1C start_frame
                "00000002",                              // 0x20 number_of_packets
                "00000000",                              // 0x24 error_count
                zeros(8),                                // 0x28 padding
                data,                                    // IN data, packed without gaps
                "00000000 000000c0 000000c0 00000000",   // iso[0]: offset, length, actual_length, status
                "000000c0 000000c0 0000006c 00000000")); // iso[1]
    }

    /** @return RET_UNLINK answering CMD_UNLINK seqnum 5 with -ECONNRESET (§1.7) */
    public static Golden unlinkReply() {
        return new Golden("RET_UNLINK", new RetUnlink(5, -104), bytes(
                "00000004",                              // 0x00 command RET_UNLINK
                "00000005",                              // 0x04 seqnum of the CMD_UNLINK, not the victim
                "00000000 00000000 00000000",            // 0x08 devid, direction, ep: 0
                "ffffff98",                              // 0x14 status -104 ECONNRESET
                zeros(24)));                             // 0x18 padding
    }

    /** @return every golden message */
    public static List<Golden> all() {
        return List.of(devlistRequest(), devlistReply(), emptyDevlistReply(), importRequest(), importReply(),
                importRefused(), controlInSubmit(), bulkOutSubmit(), isoInSubmit(), unlinkRequest(),
                controlInReply(), bulkOutReply(), stallReply(), isoInReply(), unlinkReply());
    }
}
