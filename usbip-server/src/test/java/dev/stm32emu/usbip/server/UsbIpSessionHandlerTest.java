package dev.stm32emu.usbip.server;

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
import dev.stm32emu.usbip.testing.FakeDevice;
import dev.stm32emu.usbip.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session handler's rules, deterministically, on an EmbeddedChannel (facts-usb.md §1.5, §1.7, §2.7). */
class UsbIpSessionHandlerTest {
    private static final int DEVID = 0x00010002;

    private final ExportTable exports = new ExportTable();
    private FakeDevice device;

    @BeforeEach
    void exportDevice() {
        device = new FakeDevice(Fixtures.DFU, 3);
        exports.add(device);
    }

    @AfterEach
    void closeDevice() {
        device.close();
    }

    private SessionHarness imported() {
        int importsBefore = device.imports();
        SessionHarness h = new SessionHarness(exports);
        h.send(new OpReqImport("1-1"));
        assertEquals(List.of(OpRepImport.ok(Fixtures.DFU.withInterfaces(List.of()))), h.replies());
        assertEquals(importsBefore + 1, device.imports());
        return h;
    }

    private static CmdSubmit bulkIn(int seqnum, int endpoint, int length) {
        return new CmdSubmit(seqnum, DEVID, true, endpoint, 0x200, length, 0, 0, 0, new byte[8], new byte[0], List.of());
    }

    private static CmdSubmit bulkOut(int seqnum, int endpoint, byte[] data) {
        return new CmdSubmit(seqnum, DEVID, false, endpoint, 0, data.length, 0, 0, 0, new byte[8], data, List.of());
    }

    @Test
    void shouldAnswerDevlistAndCloseTheConnection() {
        SessionHarness h = new SessionHarness(exports);
        h.send(new OpReqDevlist());
        assertEquals(List.of(OpRepDevlist.of(List.of(Fixtures.DFU))), h.replies());
        assertFalse(h.channel.isOpen());
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldAnswerNoDeviceForAnUnknownBusidAndClose() {
        SessionHarness h = new SessionHarness(exports);
        h.send(new OpReqImport("9-9"));
        assertEquals(List.of(OpRepImport.failed(OpStatus.NODEV)), h.replies());
        assertFalse(h.channel.isOpen());
        assertEquals(0, device.imports());
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldAnswerBusyToASecondImporterAndHideTheDeviceFromDevlist() {
        SessionHarness first = imported();
        SessionHarness second = new SessionHarness(exports);
        second.send(new OpReqImport("1-1"));
        assertEquals(List.of(OpRepImport.failed(OpStatus.DEV_BUSY)), second.replies());
        assertFalse(second.channel.isOpen());

        SessionHarness lister = new SessionHarness(exports);
        lister.send(new OpReqDevlist());
        assertEquals(List.of(OpRepDevlist.of(List.of())), lister.replies());

        assertTrue(first.channel.isOpen());
        assertFalse(first.channel.finish());      // disconnect: the device becomes importable again
        assertEquals(1, device.releases());
        SessionHarness third = imported();
        assertFalse(third.channel.finish());
        assertFalse(second.channel.finish());
        assertFalse(lister.channel.finish());
    }

    @Test
    void shouldCancelAPendingUrbOnUnlinkAndNeverSendItsResult() {
        SessionHarness h = imported();
        h.send(bulkIn(10, 1, 64));
        h.send(new CmdUnlink(11, DEVID, 10));
        assertEquals(List.of(new RetUnlink(11, UrbResult.ECONNRESET)), h.replies());
        assertEquals(List.of(10), device.unlinked());

        device.complete(10, UrbResult.ok(new byte[]{1, 2, 3}));   // the device finishes anyway
        assertEquals(List.of(), h.replies());
        assertTrue(h.channel.isOpen());
        h.assertRepliesWellFormed();
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldAnswerZeroToAnUnlinkOfACompletedUrb() {
        SessionHarness h = imported();
        h.send(bulkIn(20, 1, 64));
        device.complete(20, UrbResult.ok(new byte[]{7}));
        h.send(new CmdUnlink(21, DEVID, 20));
        assertEquals(List.of(RetSubmit.in(20, 0, new byte[]{7}), new RetUnlink(21, 0)), h.replies());
        assertEquals(List.of(), device.unlinked());   // nothing to cancel
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldAnswerZeroToAnUnlinkOfAnUnknownSeqnum() {
        SessionHarness h = imported();
        h.send(new CmdUnlink(30, DEVID, 12345));
        assertEquals(List.of(new RetUnlink(30, 0)), h.replies());
        assertTrue(h.channel.isOpen());
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldClampInDataToTheBufferAndNeverSendDataForOut() {
        SessionHarness h = imported();
        h.send(bulkIn(40, 1, 4));
        h.send(bulkOut(41, 2, new byte[]{9, 9}));
        device.complete(40, UrbResult.ok(new byte[]{1, 2, 3, 4, 5, 6}));  // babbles past the buffer
        device.complete(41, new UrbResult(0, 5, new byte[]{1, 2, 3, 4, 5}, 0, 0, List.of()));
        assertEquals(List.of(RetSubmit.in(40, 0, new byte[]{1, 2, 3, 4}), RetSubmit.out(41, 0, 2)), h.replies());
        h.assertRepliesWellFormed();
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldAnswerEprotoWhenTheDeviceFailsAUrbAndKeepServing() {
        SessionHarness h = imported();
        h.send(bulkIn(50, 1, 8));
        device.fail(50, new IllegalStateException("model bug"));
        h.send(bulkIn(51, 1, 8));
        device.complete(51, UrbResult.ok(new byte[]{5}));
        assertEquals(List.of(RetSubmit.in(50, UrbResult.EPROTO, new byte[0]), RetSubmit.in(51, 0, new byte[]{5})),
                h.replies());
        assertTrue(h.channel.isOpen());
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldReadAndReturnIsoDescriptorsOnlyForIsoEndpoints() {
        SessionHarness h = imported();
        List<IsoPacketDescriptor> asked = List.of(new IsoPacketDescriptor(0, 8, 0, 0), new IsoPacketDescriptor(8, 8, 0, 0));
        h.send(new CmdSubmit(60, DEVID, true, 3, 0x202, 16, 5, 2, 1, new byte[8], new byte[0], asked));
        assertEquals(asked, device.heldUrb(60).iso());
        List<IsoPacketDescriptor> got = List.of(new IsoPacketDescriptor(0, 8, 8, 0), new IsoPacketDescriptor(8, 8, 3, 0));
        device.complete(60, new UrbResult(0, 11, new byte[11], 5, 0, got));
        assertEquals(List.of(new RetSubmit(60, true, 0, 11, 5, 2, 0, new byte[11], got)), h.replies());
        h.assertRepliesWellFormed();
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldFlushResultsProducedBeforeAWithdrawalThenCloseAndRelease() {
        SessionHarness h = imported();
        h.send(bulkIn(70, 1, 8));
        h.send(bulkIn(71, 1, 8));
        device.complete(70, UrbResult.ok(new byte[]{1}));
        CompletionStage<Void> withdrawn = exports.withdraw("1-1");
        device.complete(71, UrbResult.ok(new byte[]{2}));      // after the withdrawal: dropped
        assertEquals(List.of(RetSubmit.in(70, 0, new byte[]{1})), h.replies());
        assertFalse(h.channel.isOpen());
        assertTrue(withdrawn.toCompletableFuture().isDone());
        assertEquals(1, device.releases());
        assertEquals(null, exports.find("1-1"));
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldCloseWhenAPendingSeqnumIsReused() {
        SessionHarness h = imported();
        h.send(bulkIn(80, 1, 8));
        h.send(bulkIn(80, 2, 8));
        assertFalse(h.channel.isOpen());
        assertEquals(1, device.releases());
        assertFalse(h.channel.finish());
    }

    @Test
    void shouldPauseReadingWhileTooManyUrbsArePendingAndResumeWhenOneCompletes() {
        SessionHarness h = imported();
        for (int seqnum = 1; seqnum <= UsbIpSessionHandler.MAX_PENDING_URBS; seqnum++) {
            h.send(bulkIn(seqnum, 1, 8));
        }
        assertFalse(h.channel.config().isAutoRead());
        device.complete(1, UrbResult.ok(new byte[0]));
        assertTrue(h.channel.config().isAutoRead());
        List<UsbIpMessage> replies = h.replies();
        assertEquals(List.of(RetSubmit.in(1, 0, new byte[0])), replies);
        assertFalse(h.channel.finish());
    }
}
