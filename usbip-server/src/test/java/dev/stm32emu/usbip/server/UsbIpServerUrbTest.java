package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.client.ImportedDevice;
import dev.stm32emu.usbip.client.PendingUrb;
import dev.stm32emu.usbip.client.UrbRequest;
import dev.stm32emu.usbip.client.UsbIpException;
import dev.stm32emu.usbip.message.CmdSubmit;
import dev.stm32emu.usbip.testing.Fixtures;
import dev.stm32emu.usbip.testing.Golden;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** URB traffic over real TCP: many outstanding URBs, unlinks, disconnects and withdrawals (facts-usb.md §1.7, §2.7). */
class UsbIpServerUrbTest extends ServerFixture {
    @Test
    void shouldCompleteManyOutstandingUrbsOutOfOrderAcrossEndpoints() throws Exception {
        int count = 64;
        try (ImportedDevice device = importDfu()) {
            Map<Integer, PendingUrb> submitted = new HashMap<>();
            for (int i = 0; i < count; i++) {
                int endpoint = 1 + i % 3;
                boolean in = i % 2 == 0;
                UrbRequest request = in ? UrbRequest.bulkIn(endpoint, 64)
                        : UrbRequest.bulkOut(endpoint, new byte[]{(byte) i, (byte) endpoint});
                PendingUrb urb = device.submit(request);
                submitted.put(urb.seqnum(), urb);
            }
            dfu.awaitHeld(count);
            List<Integer> order = new ArrayList<>(submitted.keySet());
            Collections.shuffle(order, new Random(42));
            // complete from several threads at once, as a device model might
            ExecutorService completers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int seqnum : order) {
                    done.add(completers.submit(() -> {
                        Urb urb = dfu.heldUrb(seqnum);
                        dfu.complete(seqnum, urb.in() ? UrbResult.ok(seqnumBytes(seqnum)) : UrbResult.okOut(urb.transferBufferLength()));
                    }));
                }
                for (Future<?> f : done) {
                    f.get(WAIT, TimeUnit.SECONDS);
                }
            } finally {
                completers.shutdownNow();
            }
            for (Map.Entry<Integer, PendingUrb> e : submitted.entrySet()) {
                Urb asked = dfu.heldUrb(e.getKey());
                UrbResult result = await(e.getValue());
                if (asked.in()) {
                    assertArrayEquals(seqnumBytes(e.getKey()), result.data(), "URB " + e.getKey());
                } else {
                    assertEquals(2, result.actualLength(), "URB " + e.getKey());
                    assertEquals(0, result.data().length);
                }
            }
            assertTrue(device.isOpen());
        }
    }

    @Test
    void shouldAnswerAnUnlinkOfAPendingUrbWithEconnresetAndNeverSendItsResult() throws Exception {
        try (ImportedDevice device = importDfu()) {
            PendingUrb victim = device.submit(UrbRequest.interruptIn(1, 8, 10));
            dfu.awaitHeld(1);
            assertEquals(UrbResult.ECONNRESET, await(device.unlink(victim.seqnum())));
            assertEquals(UrbResult.ECONNRESET, await(victim).status());
            assertEquals(List.of(victim.seqnum()), dfu.unlinked());

            dfu.complete(victim.seqnum(), UrbResult.ok(new byte[]{1, 2}));   // the model finishes anyway
            // a stray RET_SUBMIT for the unlinked seqnum would make the client drop the connection
            // (as vhci does); a later transfer still works only if none came
            assertArrayEquals(Golden.DEVICE_DESCRIPTOR, await(device.submit(getDeviceDescriptor(18))).data());
            assertTrue(device.isOpen());
        }
    }

    @Test
    void shouldAnswerAnUnlinkOfACompletedUrbWithZero() throws Exception {
        try (ImportedDevice device = importDfu()) {
            PendingUrb urb = device.submit(UrbRequest.bulkIn(2, 8));
            dfu.awaitHeld(1);
            dfu.complete(urb.seqnum(), UrbResult.ok(new byte[]{42}));
            assertArrayEquals(new byte[]{42}, await(urb).data());
            assertEquals(0, await(device.unlink(urb.seqnum())));
            assertEquals(List.of(), dfu.unlinked());
        }
    }

    @Test
    void shouldReleaseTheDeviceWhenTheClientDisconnectsMidTransferAndKeepServing() throws Exception {
        ImportedDevice device = importDfu();
        device.submit(UrbRequest.bulkIn(1, 512));
        device.submit(UrbRequest.bulkOut(2, new byte[512]));
        dfu.awaitHeld(2);
        device.close();
        await(dfu.releasedFuture());
        assertEquals(1, dfu.releases());
        assertFalse(server.isImported("1-1"));
        assertEquals(List.of(Fixtures.DFU), client.list(host(), server.port()));
    }

    @Test
    void shouldFlushRepliesProducedBeforeAWithdrawalThenCloseAndAllowExportingAgain() throws Exception {
        int count = 8;
        int size = 4096;
        ImportedDevice device = importDfu();
        List<PendingUrb> urbs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            urbs.add(device.submit(UrbRequest.bulkIn(1, size)));
        }
        dfu.awaitHeld(count);
        for (PendingUrb urb : urbs) {
            byte[] data = new byte[size];
            Arrays.fill(data, (byte) urb.seqnum());
            dfu.complete(urb.seqnum(), UrbResult.ok(data));
        }
        CompletableFuture<Void> withdrawn = server.withdraw("1-1").toCompletableFuture();
        for (PendingUrb urb : urbs) {
            UrbResult result = await(urb);
            assertEquals(size, result.actualLength(), "URB " + urb.seqnum());
            assertEquals((byte) urb.seqnum(), result.data()[size - 1]);
        }
        ExecutionException ended = assertThrows(ExecutionException.class, () -> await(device.closed()));
        UsbIpException closed = assertInstanceOf(UsbIpException.class, ended.getCause());
        assertEquals(UsbIpException.Kind.CONNECTION_CLOSED, closed.kind());
        assertEquals("usbip: 127.0.0.1:" + server.port() + ": connection closed by the server", closed.getMessage());
        await(withdrawn);
        assertEquals(1, dfu.releases());
        assertEquals(List.of(), client.list(host(), server.port()));
        device.close();

        server.export(dfu);
        assertEquals(List.of(Fixtures.DFU), client.list(host(), server.port()));
        try (ImportedDevice again = importDfu()) {
            assertArrayEquals(Golden.DEVICE_DESCRIPTOR, await(again.submit(getDeviceDescriptor(18))).data());
        }
    }

    @Test
    void shouldWriteEveryReplyProducedBeforeAWithdrawalEvenToAReaderThatIsBehind() throws Exception {
        int count = 16;
        int size = 1 << 20;               // 16 MiB in all: far more than the kernel socket buffers hold
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
            socket.getOutputStream().write(Golden.importRequest().wire());
            InputStream in = socket.getInputStream();
            assertEquals(320, in.readNBytes(320).length);
            for (int seqnum = 1; seqnum <= count; seqnum++) {
                socket.getOutputStream().write(encode(new CmdSubmit(seqnum, 0x00010002,
                        true, 1, 0x200, size, 0, 0, 0, new byte[8], new byte[0], List.of())));
            }
            dfu.awaitHeld(count);
            for (int seqnum = 1; seqnum <= count; seqnum++) {
                byte[] data = new byte[size];
                Arrays.fill(data, (byte) seqnum);
                dfu.complete(seqnum, UrbResult.ok(data));
            }
            CompletableFuture<Void> withdrawn = server.withdraw("1-1").toCompletableFuture();
            // only now does the client start reading: every completed URB must still arrive, then EOF
            for (int seqnum = 1; seqnum <= count; seqnum++) {
                byte[] header = in.readNBytes(48);
                assertEquals(48, header.length, "header of URB " + seqnum);
                assertEquals(3, ByteBuffer.wrap(header).getInt(0));            // RET_SUBMIT
                assertEquals(seqnum, ByteBuffer.wrap(header).getInt(4));
                assertEquals(size, ByteBuffer.wrap(header).getInt(0x18));      // actual_length
                byte[] data = in.readNBytes(size);
                assertEquals(size, data.length, "data of URB " + seqnum);
                assertEquals((byte) seqnum, data[size - 1]);
            }
            assertEquals(-1, in.read());
            await(withdrawn);
        }
    }

    private static byte[] seqnumBytes(int seqnum) {
        return new byte[]{(byte) (seqnum >> 8), (byte) seqnum, 0x55};
    }
}
