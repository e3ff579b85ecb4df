package dev.stm32emu.usbip.codec;

import dev.stm32emu.usbip.message.OpRepImport;
import dev.stm32emu.usbip.message.RetSubmit;
import dev.stm32emu.usbip.testing.DecoderHarness;
import dev.stm32emu.usbip.testing.Fixtures;
import dev.stm32emu.usbip.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.stm32emu.usbip.testing.WireBytes.bytes;
import static dev.stm32emu.usbip.testing.WireBytes.padded;
import static dev.stm32emu.usbip.testing.WireBytes.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client-role decoder: replies in, messages out, checked as strictly as vhci checks them (facts-usb.md §1.8). */
class ClientDecoderTest {
    /** The URBs the golden replies complete, as a client would have registered them. */
    private static final Map<Integer, UsbIpDecoder.OutstandingSubmit> OUTSTANDING = Map.of(
            1, new UsbIpDecoder.OutstandingSubmit(true, false, 64),      // control IN
            2, new UsbIpDecoder.OutstandingSubmit(false, false, 4),      // bulk OUT
            3, new UsbIpDecoder.OutstandingSubmit(true, true, 384));     // ISO IN

    private static DecoderHarness operationPhase() {
        return new DecoderHarness(UsbIpDecoder.forClient(OUTSTANDING::get));
    }

    private static DecoderHarness urbPhase() {
        UsbIpDecoder decoder = UsbIpDecoder.forClient(OUTSTANDING::get);
        decoder.enterUrbPhase();
        return new DecoderHarness(decoder);
    }

    static List<Golden> operationReplies() {
        return List.of(Golden.devlistReply(), Golden.emptyDevlistReply(), Golden.importRefused());
    }

    static List<Golden> urbReplies() {
        return List.of(Golden.controlInReply(), Golden.bulkOutReply(), Golden.stallReply(), Golden.isoInReply(),
                Golden.unlinkReply());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operationReplies")
    void shouldDecodeOperationRepliesSplitAtEveryByte(Golden golden) {
        DecoderHarness.assertDecodesAtEverySplit(ClientDecoderTest::operationPhase, golden.wire(),
                List.of(golden.message()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urbReplies")
    void shouldDecodeUrbRepliesSplitAtEveryByte(Golden golden) {
        DecoderHarness.assertDecodesAtEverySplit(ClientDecoderTest::urbPhase, golden.wire(),
                List.of(golden.message()));
    }

    @Test
    void shouldDecodeAnImportReplyWithoutInterfaceRecordsSplitAtEveryByte() {
        // bNumInterfaces says 1, but an IMPORT reply carries no interface records (§1.5)
        DecoderHarness.assertDecodesAtEverySplit(ClientDecoderTest::operationPhase, Golden.importReply().wire(),
                List.of(OpRepImport.ok(Fixtures.DFU.withInterfaces(List.of()))));
    }

    @Test
    void shouldSwitchToTheUrbPhaseByItselfAfterASuccessfulImport() {
        // the import reply and the first RET_SUBMIT in one read
        byte[] stream = bytes(Golden.importReply().wire(), Golden.controlInReply().wire());
        DecoderHarness.assertDecodesAtEverySplit(ClientDecoderTest::operationPhase, stream,
                List.of(OpRepImport.ok(Fixtures.DFU.withInterfaces(List.of())), Golden.controlInReply().message()));
    }

    @Test
    void shouldFrameEachRetSubmitByTheDirectionOfItsUrb() {
        // seqnum 2 was OUT: its actual_length of 4 is not followed by data, so the next header starts right away
        byte[] stream = bytes(Golden.bulkOutReply().wire(), Golden.controlInReply().wire(), Golden.unlinkReply().wire());
        DecoderHarness.assertDecodesAtEverySplit(ClientDecoderTest::urbPhase, stream, List.of(
                Golden.bulkOutReply().message(), Golden.controlInReply().message(), Golden.unlinkReply().message()));
    }

    @Test
    void shouldConsultTheOutstandingTableAtTheTimeTheReplyArrives() {
        Map<Integer, UsbIpDecoder.OutstandingSubmit> table = new HashMap<>();
        UsbIpDecoder decoder = UsbIpDecoder.forClient(table::get);
        decoder.enterUrbPhase();
        DecoderHarness h = new DecoderHarness(decoder);
        table.put(1, new UsbIpDecoder.OutstandingSubmit(true, false, 64));
        h.write(Golden.controlInReply().wire());
        RetSubmit ret = (RetSubmit) h.drain().getFirst();
        assertEquals(18, ret.data().length);
        h.assertOpenAndFinish();
    }

    static List<ServerDecoderTest.Malformed> malformedReplies() {
        return List.of(
                new ServerDecoderTest.Malformed("wrong version", false, bytes("0110 0005 00000000 00000000"),
                        "version 0x0110"),
                new ServerDecoderTest.Malformed("unknown op code", false, bytes("0111 0007 00000000"),
                        "unknown op code 0x0007"),
                new ServerDecoderTest.Malformed("a request code sent to the client", false,
                        bytes("0111 8005 00000000"), "REQ_DEVLIST"),
                new ServerDecoderTest.Malformed("too many devices", false, bytes("0111 0005 00000000 00000101"),
                        "257 devices"),
                new ServerDecoderTest.Malformed("device busid without NUL", false, bytes("0111 0003 00000000",
                        padded("/p", 256), padded("9".repeat(32), 32), zeros(24)), "busid is not NUL-terminated"),
                new ServerDecoderTest.Malformed("unknown speed", false, bytes("0111 0003 00000000",
                        padded("/p", 256), padded("1-1", 32), "00000001 00000002 00000009", zeros(12)), "unknown speed 9"),
                new ServerDecoderTest.Malformed("RET_SUBMIT for a seqnum nobody submitted", true,
                        retSubmitHeader("00000063", "00000000", "00000000"), "seqnum 99, which is not outstanding"),
                new ServerDecoderTest.Malformed("IN actual_length above transfer_buffer_length", true,
                        retSubmitHeader("00000001", "00000041", "00000000"), "exceeds transfer_buffer_length 64"),
                new ServerDecoderTest.Malformed("negative actual_length", true,
                        retSubmitHeader("00000001", "ffffffff", "00000000"), "actual_length -1"),
                new ServerDecoderTest.Malformed("ISO packet count above 1024", true,
                        retSubmitHeader("00000003", "00000000", "00000401"), "number_of_packets 1025"),
                new ServerDecoderTest.Malformed("ISO actual lengths not summing to actual_length", true,
                        bytes(retSubmitHeader("00000003", "00000001", "00000001"), "aa",
                                "00000000 000000c0 00000002 00000000"), "sum to 2, actual_length is 1"),
                new ServerDecoderTest.Malformed("CMD_SUBMIT sent by a server", true, bytes("00000001", zeros(44)),
                        "CMD_SUBMIT is a request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedReplies")
    void shouldLogAndCloseOnMalformedReplies(ServerDecoderTest.Malformed bad) {
        DecoderHarness h = bad.urbPhase() ? urbPhase() : operationPhase();
        h.write(bytes(bad.wire(), bad.urbPhase() ? Golden.unlinkReply().wire() : Golden.emptyDevlistReply().wire()));
        String reason = h.assertRejectedAndFinish().reason();
        assertTrue(reason.contains(bad.reasonFragment()), () -> "reason: " + reason);

        Golden good = bad.urbPhase() ? Golden.controlInReply() : Golden.devlistReply();
        DecoderHarness next = bad.urbPhase() ? urbPhase() : operationPhase();
        next.write(good.wire());
        assertEquals(List.of(good.message()), next.drain());
        next.assertOpenAndFinish();
    }

    /** A RET_SUBMIT header with the given seqnum, actual_length and number_of_packets. */
    private static byte[] retSubmitHeader(String seqnum, String actualLength, String packets) {
        return bytes(
                "00000003",                       // command RET_SUBMIT
                seqnum,                           // 0x04
                zeros(12),                        // 0x08 devid, direction, ep
                "00000000",                       // 0x14 status
                actualLength,                     // 0x18
                "00000000",                       // 0x1C start_frame
                packets,                          // 0x20 number_of_packets
                "00000000",                       // 0x24 error_count
                zeros(8));                        // 0x28 padding
    }
}
