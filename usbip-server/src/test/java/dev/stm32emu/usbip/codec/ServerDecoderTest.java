package dev.stm32emu.usbip.codec;

import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.message.OpReqImport;
import dev.stm32emu.usbip.message.UsbIpMessage;
import dev.stm32emu.usbip.testing.DecoderHarness;
import dev.stm32emu.usbip.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Supplier;

import static dev.stm32emu.usbip.testing.WireBytes.bytes;
import static dev.stm32emu.usbip.testing.WireBytes.padded;
import static dev.stm32emu.usbip.testing.WireBytes.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server-role decoder: requests in, messages out (facts-usb.md §1.2–1.6). */
class ServerDecoderTest {
    /** ep 3 IN is isochronous in these tests, like an audio source. */
    private static final UsbIpDecoder.IsoEndpoints ISO_EP3_IN = (endpoint, in) -> endpoint == 3 && in;

    private static DecoderHarness operationPhase() {
        return new DecoderHarness(UsbIpDecoder.forServer(ISO_EP3_IN));
    }

    private static DecoderHarness urbPhase() {
        UsbIpDecoder decoder = UsbIpDecoder.forServer(ISO_EP3_IN);
        decoder.enterUrbPhase();
        return new DecoderHarness(decoder);
    }

    static List<Golden> operationRequests() {
        return List.of(Golden.devlistRequest(), Golden.importRequest());
    }

    static List<Golden> urbRequests() {
        return List.of(Golden.controlInSubmit(), Golden.bulkOutSubmit(), Golden.isoInSubmit(), Golden.unlinkRequest());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operationRequests")
    void shouldDecodeOperationRequestsSplitAtEveryByte(Golden golden) {
        DecoderHarness.assertDecodesAtEverySplit(ServerDecoderTest::operationPhase, golden.wire(),
                List.of(golden.message()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urbRequests")
    void shouldDecodeUrbRequestsSplitAtEveryByte(Golden golden) {
        DecoderHarness.assertDecodesAtEverySplit(ServerDecoderTest::urbPhase, golden.wire(),
                List.of(golden.message()));
    }

    @Test
    void shouldDecodeSeveralUrbRequestsArrivingInOneRead() {
        byte[] stream = bytes(Golden.controlInSubmit().wire(), Golden.bulkOutSubmit().wire(),
                Golden.isoInSubmit().wire(), Golden.unlinkRequest().wire());
        DecoderHarness.assertDecodesAtEverySplit(ServerDecoderTest::urbPhase, stream, List.of(
                Golden.controlInSubmit().message(), Golden.bulkOutSubmit().message(),
                Golden.isoInSubmit().message(), Golden.unlinkRequest().message()));
    }

    @Test
    void shouldDecodeUrbsRightAfterTheImportOnceTheHandlerSwitchesThePhase() {
        UsbIpDecoder decoder = UsbIpDecoder.forServer();
        DecoderHarness h = new DecoderHarness(decoder);
        // the import request and the first URB arrive in the same read
        h.write(bytes(Golden.importRequest().wire(), Golden.controlInSubmit().wire()));
        // the harness's handler does not switch; the URB header is then read as op_common and rejected
        assertEquals(List.of(Golden.importRequest().message()), h.drain());
        assertFalse(h.channel().isOpen());
        assertFalse(h.channel().finish());

        UsbIpDecoder switching = UsbIpDecoder.forServer();
        DecoderHarness s = new DecoderHarness(switching);
        s.channel().pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof OpReqImport) {
                    switching.enterUrbPhase();      // as the session handler does
                }
                ctx.fireChannelRead(msg);
            }
        });
        s.write(bytes(Golden.importRequest().wire(), Golden.controlInSubmit().wire()));
        assertEquals(List.of(Golden.importRequest().message(), Golden.controlInSubmit().message()), s.drain());
        assertEquals(UsbIpDecoder.Phase.URB, switching.phase());
        s.assertOpenAndFinish();
    }

    @Test
    void shouldAcceptAnyNumberOfPacketsForNonIsoEndpoints() {
        for (String count : List.of("00000000", "ffffffff", "00001000")) {
            DecoderHarness h = urbPhase();
            h.write(submitHeader("00000001", "00000001", "00000010", count));   // IN: no data follows
            List<UsbIpMessage> decoded = h.drain();
            assertEquals(1, decoded.size(), "number_of_packets " + count);
            CmdSubmit submit = (CmdSubmit) decoded.getFirst();
            assertTrue(submit.iso().isEmpty());
            assertFalse(submit.isochronous());
            h.assertOpenAndFinish();
        }
    }

    @Test
    void shouldKeepTheBusidUpToItsFirstNulAndIgnoreTheRest() {
        DecoderHarness h = operationPhase();
        byte[] busid = padded("1-1", 32);
        busid[10] = 'x';                          // junk after the terminator
        h.write(bytes("0111 8003 00000000", busid));
        assertEquals(List.of(new OpReqImport("1-1")), h.drain());
        h.assertOpenAndFinish();
    }

    static List<Malformed> malformedRequests() {
        return List.of(
                new Malformed("wrong version", false, bytes("0110 8005 00000000"), "version 0x0110"),
                new Malformed("unknown op code", false, bytes("0111 8009 00000000"), "unknown op code 0x8009"),
                new Malformed("unused OP_REQ_DEVINFO", false, bytes("0111 8002 00000000"), "REQ_DEVINFO"),
                new Malformed("a reply code sent to the server", false, bytes("0111 0005 00000000"), "REP_DEVLIST"),
                new Malformed("busid without NUL", false, bytes("0111 8003 00000000", padded("1".repeat(32), 32)),
                        "not NUL-terminated within 32 bytes"),
                new Malformed("unknown command", true, bytes("00000007", zeros(44)), "unknown command 0x00000007"),
                new Malformed("RET_SUBMIT sent by a client", true, bytes("00000003", zeros(44)), "RET_SUBMIT is a reply"),
                new Malformed("direction 2", true, submitHeader("00000002", "00000001", "00000000", "00000000"),
                        "direction 2"),
                new Malformed("endpoint 16", true, submitHeader("00000000", "00000010", "00000000", "00000000"),
                        "endpoint 16"),
                new Malformed("transfer_buffer_length above 1 MiB", true,
                        submitHeader("00000000", "00000001", "00100001", "00000000"), "transfer_buffer_length 1048577"),
                new Malformed("negative transfer_buffer_length", true,
                        submitHeader("00000001", "00000001", "ffffffff", "00000000"), "transfer_buffer_length -1"),
                new Malformed("ISO packet count above 1024", true,
                        submitHeader("00000001", "00000003", "00000000", "00000401"), "number_of_packets 1025"),
                new Malformed("negative ISO packet count", true,
                        submitHeader("00000001", "00000003", "00000000", "ffffffff"), "number_of_packets -1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void shouldLogAndCloseOnMalformedRequestsWithoutWaitingForMoreBytes(Malformed bad) {
        DecoderHarness h = bad.urbPhase() ? urbPhase() : operationPhase();
        // garbage followed by a good message: the good one must not be decoded on this connection
        h.write(bytes(bad.wire(), bad.urbPhase() ? Golden.unlinkRequest().wire() : Golden.devlistRequest().wire()));
        assertTrue(h.assertRejectedAndFinish().reason().contains(bad.reasonFragment()),
                () -> "reason: " + h.violations());

        // a new connection is not affected
        Supplier<DecoderHarness> fresh = bad.urbPhase() ? ServerDecoderTest::urbPhase : ServerDecoderTest::operationPhase;
        Golden good = bad.urbPhase() ? Golden.controlInSubmit() : Golden.importRequest();
        DecoderHarness next = fresh.get();
        next.write(good.wire());
        assertEquals(List.of(good.message()), next.drain());
        next.assertOpenAndFinish();
    }

    @Test
    void shouldRejectAnOversizedOutSubmitAfterItsHeaderAlone() {
        DecoderHarness h = urbPhase();
        // 48 bytes announcing 16 MiB of OUT data: rejected at once, nothing buffered
        h.write(submitHeader("00000000", "00000001", "01000000", "00000000"));
        h.assertRejectedAndFinish();
    }

    @Test
    void shouldDropATruncatedMessageSilentlyWhenThePeerCloses() {
        DecoderHarness h = urbPhase();
        byte[] wire = Golden.bulkOutSubmit().wire();
        h.write(wire, 0, wire.length - 1);        // the last data byte never comes
        assertTrue(h.drain().isEmpty());
        assertFalse(h.channel().finish());        // close: decodeLast drops the partial frame
        assertTrue(h.violations().isEmpty());
    }

    /** A CMD_SUBMIT header with the given direction, endpoint, transfer_buffer_length and number_of_packets. */
    private static byte[] submitHeader(String direction, String endpoint, String length, String packets) {
        return bytes(
                "00000001",                       // command CMD_SUBMIT
                "0000002a",                       // seqnum
                "00010002",                       // devid
                direction,                        // 0x0C
                endpoint,                         // 0x10
                "00000000",                       // 0x14 transfer_flags
                length,                           // 0x18 transfer_buffer_length
                "00000000",                       // 0x1C start_frame
                packets,                          // 0x20 number_of_packets
                "00000000",                       // 0x24 interval
                zeros(8));                        // 0x28 setup
    }

    /**
     * @param name           test name
     * @param urbPhase       feed in the URB phase
     * @param wire           the bad input
     * @param reasonFragment expected in the logged reason
     */
    record Malformed(String name, boolean urbPhase, byte[] wire, String reasonFragment) {
        @Override
        public String toString() {
            return name;
        }
    }
}
