package dev.stm32emu.core.usb;

import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.VirtualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host-side protocol rules checked against a scripted port: answers a device model would
 * rarely give (wrong PIDs, babble, no handshake) and the engine's scheduling guarantees.
 */
class UsbTransferEngineProtocolTest {
    private static final long MS = 1_000_000_000L;

    private final VirtualClock clock = new VirtualClock(8_000_000L);
    private final Scheduler scheduler = new Scheduler(clock);
    private final ScriptedPort port = new ScriptedPort();
    private final UsbTransferEngine engine = new UsbTransferEngine(port, scheduler);

    private void runUntilIdle() {
        while (scheduler.nextEventPs() != Scheduler.NONE) {
            clock.advanceTo(scheduler.nextEventPs());
            scheduler.runDue();
        }
    }

    private static InResponse ack(DataPid pid, int length) {
        return new InResponse(Handshake.ACK, pid, new byte[length]);
    }

    @Test
    void shouldDiscardAnInPacketWithTheUnexpectedPidAndKeepItsToggle() {
        port.in.add(ack(DataPid.DATA1, 4));
        port.in.add(ack(DataPid.DATA0, 3));
        UsbTransfer t = engine.bulkIn(2, 64, 0);
        runUntilIdle();
        TransferResult r = t.result().join();
        assertEquals(3, r.actualLength(), "the DATA1 packet was a retransmission");
        assertEquals(DataPid.DATA1, engine.dataToggle(0x82));
    }

    @Test
    void shouldReportBabbleWhenAPacketExceedsTheMaxPacketSize() {
        engine.setMaxPacketSize(0x81, 8);
        port.in.add(ack(DataPid.DATA0, 9));
        TransferResult r = runOne(engine.bulkIn(1, 64, 0));
        assertEquals(TransferResult.Status.ERROR, r.status());
        assertTrue(r.detail().startsWith("babble"), r.detail());
    }

    @Test
    void shouldReportAProtocolErrorWithoutAHandshakeAndDisconnectedWhenDetached() {
        port.outAnswers.add(Handshake.NO_RESPONSE);
        assertEquals(TransferResult.Status.ERROR, runOne(engine.bulkOut(1, new byte[3], false, 0)).status());
        port.attached = false;
        assertEquals(TransferResult.Status.DISCONNECTED, runOne(engine.bulkOut(1, new byte[3], false, 0)).status());
        assertEquals(List.of("OUT1 DATA0 3"), port.log, "nothing is sent to a detached device");
    }

    @Test
    void shouldRejectDataInTheStatusStage() {
        port.in.add(ack(DataPid.DATA1, 2));
        TransferResult r = runOne(engine.control(StandardRequests.setConfiguration(1), null));
        assertEquals(TransferResult.Status.ERROR, r.status());
    }

    @Test
    void shouldHoldTheSetupUntilTheDeviceIsReadyAndRetryOnAnyChange() {
        port.ready = false;
        port.in.add(ack(DataPid.DATA1, 0));
        UsbTransfer t = engine.control(0, StandardRequests.setConfiguration(1), null, 0);
        runUntilIdle();
        assertFalse(t.isDone());
        assertEquals(List.of(), port.log);
        port.ready = true;
        port.fire(UsbHostPort.ANY_ENDPOINT);
        runUntilIdle();
        assertTrue(t.result().join().isOk());
        assertEquals(List.of("SETUP0 00 09", "IN0"), port.log);
    }

    @Test
    void shouldRetryAHeldSetupWhenEndpointZeroChanges() {
        port.setupAnswers.add(Handshake.NO_RESPONSE);
        port.in.add(ack(DataPid.DATA1, 0));
        UsbTransfer t = engine.control(0, StandardRequests.setConfiguration(1), null, 0);
        runUntilIdle();
        port.fire(3);
        runUntilIdle();
        assertFalse(t.isDone(), "a change of another endpoint is no reason to retry");
        port.fire(0);
        runUntilIdle();
        assertTrue(t.result().join().isOk());
    }

    @Test
    void shouldCompleteFuturesOnlyAfterTheTransactionsOfAnEvent() {
        port.in.add(ack(DataPid.DATA1, 0));
        port.in.add(ack(DataPid.DATA1, 0));
        List<Integer> seenInCallback = new ArrayList<>();
        UsbTransfer first = engine.control(StandardRequests.setConfiguration(1), null);
        UsbTransfer second = engine.control(StandardRequests.setConfiguration(2), null);
        first.result().thenRun(() -> seenInCallback.add(port.log.size()));
        runUntilIdle();
        assertTrue(second.result().join().isOk());
        assertEquals(List.of(4), seenInCallback, "both transfers ran in one event, callbacks after it");
    }

    @Test
    void shouldDropATimedOutTransferWaitingBehindAnother() {
        UsbTransfer slow = engine.control(0, StandardRequests.setConfiguration(1), null, 100 * MS);
        UsbTransfer queued = engine.control(0, StandardRequests.setConfiguration(2), null, 10 * MS);
        runUntilIdle();
        assertEquals(TransferResult.Status.TIMEOUT, queued.result().join().status());
        assertEquals(TransferResult.Status.TIMEOUT, slow.result().join().status());
        assertEquals(1, port.log.stream().filter(s -> s.startsWith("SETUP")).count(), "the queued one never started");
    }

    @Test
    void shouldAdvanceTheToggleOnlyOnAcknowledgedPackets() {
        port.outAnswers.add(Handshake.ACK);
        port.outAnswers.add(Handshake.NAK);
        UsbTransfer t = engine.bulkOut(1, new byte[100], false, 0);
        runUntilIdle();
        assertEquals(DataPid.DATA1, engine.dataToggle(0x01));
        assertFalse(t.isDone());
        port.fire(1);
        runUntilIdle();
        assertEquals(List.of("OUT1 DATA0 64", "OUT1 DATA1 36", "OUT1 DATA1 36"), port.log);
        assertEquals(100, t.result().join().actualLength());
        assertEquals(DataPid.DATA0, engine.dataToggle(0x01));
    }

    private TransferResult runOne(UsbTransfer t) {
        runUntilIdle();
        assertTrue(t.isDone());
        return t.result().join();
    }

    /** A port answering from queues; ACK / empty IN NAK when a queue is empty. */
    private static final class ScriptedPort implements UsbHostPort {
        final ArrayDeque<InResponse> in = new ArrayDeque<>();
        final ArrayDeque<Handshake> outAnswers = new ArrayDeque<>();
        final ArrayDeque<Handshake> setupAnswers = new ArrayDeque<>();
        final List<String> log = new ArrayList<>();
        final List<IntConsumer> listeners = new ArrayList<>();
        boolean attached = true;
        boolean ready = true;

        void fire(int endpoint) {
            listeners.forEach(l -> l.accept(endpoint));
        }

        @Override
        public boolean isAttached() {
            return attached;
        }

        @Override
        public void addAttachListener(Consumer<Boolean> listener) {
        }

        @Override
        public void busReset() {
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public Handshake setup(int endpoint, byte[] setup) {
            log.add(String.format("SETUP%d %02x %02x", endpoint, setup[0], setup[1]));
            return setupAnswers.isEmpty() ? Handshake.ACK : setupAnswers.poll();
        }

        @Override
        public Handshake out(int endpoint, DataPid pid, byte[] data) {
            log.add("OUT" + endpoint + " " + pid + " " + data.length);
            return outAnswers.isEmpty() ? Handshake.ACK : outAnswers.poll();
        }

        @Override
        public InResponse in(int endpoint) {
            log.add("IN" + endpoint);
            return in.isEmpty() ? InResponse.of(Handshake.NAK) : in.poll();
        }

        @Override
        public void addEndpointListener(IntConsumer endpointChanged) {
            listeners.add(endpointChanged);
        }

        @Override
        public int frameNumber() {
            return 0;
        }
    }
}
