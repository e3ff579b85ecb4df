package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.usb.DataPid;
import dev.stm32emu.core.usb.SetupPacket;
import dev.stm32emu.core.usb.StandardRequests;
import dev.stm32emu.core.usb.TransferResult;
import dev.stm32emu.core.usb.TransferResult.Status;
import dev.stm32emu.core.usb.UsbTransfer;
import dev.stm32emu.core.usb.UsbTransferEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.stm32emu.periph.usbfs.UsbFsBench.MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host transfer engine driving the F1 USB model and the Java test firmware. */
class UsbTransferEngineTest {
    private static final long SECOND = 1000 * MS;

    private final EngineBench b = new EngineBench();
    private final UsbTransferEngine engine = b.engine;
    private final JavaUsbFirmware firmware = b.firmware;

    @BeforeEach
    void setUp() {
        b.reset();
    }

    private static SetupPacket vendorOut(int request, int length) {
        return new SetupPacket(0x40, request, 0, 0, length);
    }

    private static SetupPacket vendorIn(int request, int length) {
        return new SetupPacket(0xC0, request, 0, 0, length);
    }

    private static byte[] bytes(int n, int seed) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = (byte) (seed + 7 * i);
        }
        return d;
    }

    private List<Integer> received() {
        return firmware.ep1Received.stream().map(p -> p.length).toList();
    }

    private void configure() {
        assertTrue(b.await(engine.control(StandardRequests.setConfiguration(1), null)).isOk());
    }

    @Test
    void shouldSendControlOutDataInMaxPacketChunksAndReadItBack() {
        byte[] data = bytes(100, 1);
        TransferResult out = b.await(engine.control(vendorOut(0x42, 100), data));
        assertEquals(Status.OK, out.status());
        assertEquals(100, out.actualLength());
        assertArrayEquals(data, firmware.echo);
        assertTrue(b.port.log.containsAll(List.of("OUT0 DATA1 64 ACK", "OUT0 DATA0 36 ACK", "IN0 ACK DATA1 0")),
                b.port.log.toString());

        TransferResult in = b.await(engine.control(vendorIn(0x44, 100), null));
        assertEquals(Status.OK, in.status());
        assertArrayEquals(data, in.data());
        assertEquals(100, in.actualLength());
    }

    @Test
    void shouldEndInAStallWhenTheDataStageIsStalledAndTakeTheNextSetup() {
        TransferResult r = b.await(engine.control(vendorIn(0x45, 8), null));
        assertEquals(Status.STALL, r.status());
        assertEquals(0, r.actualLength());
        TransferResult next = b.await(engine.control(StandardRequests.getDescriptor(1, 0, 0, 18), null));
        assertArrayEquals(TestDescriptors.DEVICE, next.data(), "a SETUP is taken although EP0 is stalled");
    }

    @Test
    void shouldEndInAStallWithTheDataMovedWhenTheStatusStageIsStalled() {
        byte[] data = bytes(10, 3);
        TransferResult r = b.await(engine.control(vendorOut(0x46, 10), data));
        assertEquals(Status.STALL, r.status());
        assertEquals(10, r.actualLength());
        assertArrayEquals(data, firmware.echo);
    }

    @Test
    void shouldStallUnknownRequests() {
        assertEquals(Status.STALL, b.await(engine.control(new SetupPacket(0x80, 0x77, 0, 0, 4), null)).status());
        assertEquals(Status.STALL, b.await(engine.control(new SetupPacket(0x00, 0x77, 0, 0, 0), null)).status());
    }

    @Test
    void shouldRetryANakedTransactionWhenTheFirmwareRearmsNotInALoop() {
        firmware.delayPs = 30 * MS;
        long start = b.now();
        TransferResult r = b.await(engine.control(vendorIn(0xC043 & 0xFF, 16), null));
        assertEquals(Status.OK, r.status());
        assertArrayEquals("late".getBytes(), r.data());
        assertTrue(b.now() - start >= 30 * MS);
        assertTrue(b.port.count("IN0 NAK") <= 3, "NAK retries: " + b.port.log);
    }

    @Test
    void shouldTimeOutInVirtualTimeWithoutPolling() {
        long start = b.now();
        TransferResult r = b.await(engine.control(vendorOut(0x47, 0), null));
        assertEquals(Status.TIMEOUT, r.status());
        long elapsed = b.now() - start;
        assertTrue(elapsed >= UsbTransferEngine.DEFAULT_CONTROL_TIMEOUT_PS
                && elapsed < UsbTransferEngine.DEFAULT_CONTROL_TIMEOUT_PS + MS, "elapsed " + elapsed);
        assertTrue(b.port.count("IN0") <= 3, "status IN tries during 5 s: " + b.port.log);
        assertEquals(Status.OK, b.await(engine.control(StandardRequests.getDescriptor(1, 0, 0, 18), null)).status());
    }

    @Test
    void shouldHonourAShorterTimeoutGivenWithTheTransfer() {
        long start = b.now();
        TransferResult r = b.await(engine.control(0, vendorOut(0x47, 0), null, 20 * MS));
        assertEquals(Status.TIMEOUT, r.status());
        assertEquals(20 * MS, b.now() - start);
    }

    @Test
    void shouldAlternateBulkTogglesAndResetThemOnSetConfiguration() {
        configure();
        byte[] data = bytes(200, 5);
        TransferResult out = b.await(engine.bulkOut(1, data, false, 0));
        assertEquals(200, out.actualLength());
        assertEquals(List.of(0, 1, 0, 1), firmware.ep1OutToggles);
        assertEquals(DataPid.DATA0, engine.dataToggle(0x01));
        TransferResult in = b.await(engine.bulkIn(1, 256, SECOND));
        assertArrayEquals(data, in.data(), "64+64+64+8: the short packet ends it");
        assertEquals(DataPid.DATA0, engine.dataToggle(0x81));
        b.await(engine.bulkOut(1, bytes(3, 0), false, 0));
        assertEquals(DataPid.DATA1, engine.dataToggle(0x01));

        configure();
        assertEquals(DataPid.DATA0, engine.dataToggle(0x01));
        firmware.ep1OutToggles.clear();
        firmware.ep1In.clear();
        b.await(engine.bulkOut(1, bytes(5, 9), false, 0));
        assertEquals(List.of(0), firmware.ep1OutToggles, "host and device agree after SET_CONFIGURATION");
    }

    @Test
    void shouldStallAHaltedBulkEndpointAndResumeAfterClearFeature() {
        configure();
        b.await(engine.bulkOut(1, bytes(7, 1), false, 0));
        assertEquals(DataPid.DATA1, engine.dataToggle(0x01));
        assertTrue(b.await(engine.control(vendorOut(0x48, 0), null)).isOk());
        assertEquals(Status.STALL, b.await(engine.bulkOut(1, bytes(4, 2), false, 0)).status());
        assertTrue(b.await(engine.control(StandardRequests.clearEndpointHalt(0x01), null)).isOk());
        assertEquals(DataPid.DATA0, engine.dataToggle(0x01));
        firmware.ep1OutToggles.clear();
        byte[] data = bytes(4, 3);
        assertTrue(b.await(engine.bulkOut(1, data, false, 0)).isOk());
        assertEquals(List.of(0), firmware.ep1OutToggles);
        TransferResult in = b.await(engine.bulkIn(1, 64, SECOND));
        assertArrayEquals(bytes(7, 1), in.data(), "the loopback answers in order");
        assertArrayEquals(data, b.await(engine.bulkIn(1, 64, SECOND)).data());
    }

    @Test
    void shouldEndABulkInAtAZeroLengthPacket() {
        configure();
        firmware.sendOnEp1(bytes(64, 1));
        firmware.sendOnEp1(new byte[0]);
        firmware.sendOnEp1(bytes(10, 2));
        TransferResult r = b.await(engine.bulkIn(1, 256, SECOND));
        assertArrayEquals(bytes(64, 1), r.data());
        assertArrayEquals(bytes(10, 2), b.await(engine.bulkIn(1, 256, SECOND)).data());
    }

    @Test
    void shouldEndABulkInWhenTheAskedLengthIsReachedAndRejectAnOverflow() {
        configure();
        firmware.sendOnEp1(bytes(64, 1));
        firmware.sendOnEp1(bytes(64, 2));
        assertEquals(64, b.await(engine.bulkIn(1, 64, SECOND)).actualLength());
        TransferResult r = b.await(engine.bulkIn(1, 10, SECOND));
        assertEquals(Status.ERROR, r.status());
        assertEquals(10, r.actualLength());
        assertTrue(r.detail().contains("overflow"));
    }

    @Test
    void shouldAppendAZeroLengthPacketToWholePacketsOnlyWhenAsked() {
        configure();
        b.await(engine.bulkOut(1, bytes(128, 1), true, 0));
        assertEquals(List.of(64, 64, 0), received());
        firmware.ep1Received.clear();
        b.await(engine.bulkOut(1, bytes(128, 1), false, 0));
        b.await(engine.bulkOut(1, bytes(100, 1), true, 0));
        assertEquals(List.of(64, 64, 64, 36), received());
        firmware.ep1Received.clear();
        assertEquals(0, b.await(engine.bulkOut(1, new byte[0], false, 0)).actualLength());
        assertEquals(List.of(0), received());
    }

    @Test
    void shouldCancelAPendingTransferForGood() {
        configure();
        UsbTransfer t = engine.bulkIn(1, 64, 0);
        b.runFor(20 * MS);
        assertFalse(t.isDone());
        long tries = b.port.count("IN1");
        assertTrue(tries <= 2, "no polling while NAKed: " + b.port.log);
        assertTrue(engine.cancel(t));
        assertFalse(engine.cancel(t));
        assertEquals(Status.CANCELLED, t.result().join().status());
        firmware.sendOnEp1(bytes(8, 4));
        b.runFor(5 * MS);
        assertEquals(Status.CANCELLED, t.result().join().status());
        assertEquals(tries, b.port.count("IN1"), "a cancelled transfer sends no more tokens");
        assertArrayEquals(bytes(8, 4), b.await(engine.bulkIn(1, 64, SECOND)).data());
        assertFalse(engine.cancel(t));
    }

    @Test
    void shouldNotRetryOnFirmwareActivityUnrelatedToTheEndpoint() {
        configure();
        fw().write(FirmwareRegs.CNTR, FirmwareRegs.RESETM | FirmwareRegs.CTRM | FirmwareRegs.SOFM);
        UsbTransfer t = engine.bulkIn(1, 64, 0);
        int before = firmware.interrupts;
        b.runFor(50 * MS);
        assertTrue(firmware.interrupts - before >= 50, "the firmware served a SOF interrupt every frame");
        assertTrue(b.port.count("IN1") <= 2, "clearing ISTR.SOF is no reason to retry: " + b.port.log);
        assertFalse(t.isDone());
    }

    private FirmwareRegs fw() {
        return b.bench.fw;
    }

    @Test
    void shouldRunQueuedControlTransfersInSubmissionOrder() {
        List<String> completed = new ArrayList<>();
        byte[] data = bytes(70, 9);
        UsbTransfer a = engine.control(StandardRequests.getDescriptor(2, 0, 0, 255), null);
        UsbTransfer w = engine.control(vendorOut(0x42, 70), data);
        UsbTransfer r = engine.control(vendorIn(0x44, 70), null);
        a.result().thenRun(() -> completed.add("config"));
        w.result().thenRun(() -> completed.add("write"));
        r.result().thenRun(() -> completed.add("read"));
        assertEquals(3, engine.pendingTransfers());
        b.await(r);
        assertEquals(List.of("config", "write", "read"), completed);
        assertArrayEquals(TestDescriptors.CONFIGURATION, a.result().join().data());
        assertArrayEquals(data, r.result().join().data(), "the read saw the earlier write");
        assertEquals(List.of(6, 0x42, 0x44), firmware.setups.stream().map(SetupPacket::request).toList());
    }

    @Test
    void shouldCompleteOtherEndpointsWhileABulkInWaits() {
        configure();
        UsbTransfer in = engine.bulkIn(1, 64, 0);
        TransferResult c = b.await(engine.control(StandardRequests.getDescriptor(1, 0, 0, 18), null));
        assertTrue(c.isOk());
        assertTrue(b.await(engine.bulkOut(1, bytes(5, 5), false, 0)).isOk());
        assertArrayEquals(bytes(5, 5), b.await(in).data(), "the loopback answered the waiting IN");
    }

    @Test
    void shouldReportDisconnectedWhenTheDeviceDetachesDuringATransfer() {
        configure();
        UsbTransfer in = engine.bulkIn(1, 64, 0);
        UsbTransfer slow = engine.control(vendorOut(0x47, 0), null);
        b.runFor(5 * MS);
        b.bench.usb.setPullUp(false);
        assertEquals(Status.DISCONNECTED, b.await(in).status());
        assertEquals(Status.DISCONNECTED, b.await(slow).status());
        assertEquals(Status.DISCONNECTED, b.await(engine.control(StandardRequests.getDescriptor(1, 0, 0, 18), null))
                .status());
        assertEquals(0, engine.pendingTransfers());
    }

    @Test
    void shouldCancelEverythingPendingOnABusReset() {
        configure();
        UsbTransfer in = engine.bulkIn(1, 64, 0);
        b.runFor(MS);
        b.reset();
        assertEquals(Status.CANCELLED, in.result().join().status());
        assertEquals(DataPid.DATA0, engine.dataToggle(0x81));
    }

    @Test
    void shouldWaitForTheFirmwareToHandleTheResetBeforeTheFirstSetup() {
        engine.busReset();
        UsbTransfer t = engine.control(StandardRequests.getDescriptor(1, 0, 0, 64), null);
        assertArrayEquals(TestDescriptors.DEVICE, b.await(t).data());
        assertEquals(1, b.port.count("SETUP"), "no SETUP was sent before the device was ready: " + b.port.log);
    }
}
