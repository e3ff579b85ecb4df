package dev.stm32emu.usbip.client;

import dev.stm32emu.usbip.server.UrbResult;
import dev.stm32emu.usbip.server.UsbIpServer;
import dev.stm32emu.usbip.testing.FakeDevice;
import dev.stm32emu.usbip.testing.Fixtures;
import dev.stm32emu.usbip.testing.Golden;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.stm32emu.usbip.testing.WireBytes.bytes;
import static dev.stm32emu.usbip.testing.WireBytes.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client behaviour, mostly its failures, against scripted servers and the real one. */
class UsbIpClientTest {
    private final UsbIpClient client = new UsbIpClient(Duration.ofSeconds(5));

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static UsbIpException failure(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(5, TimeUnit.SECONDS));
        return assertInstanceOf(UsbIpException.class, e.getCause());
    }

    @Test
    void shouldReportARefusedConnectionInOneLine() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();             // free once closed
        }
        UsbIpException e = assertThrows(UsbIpException.class, () -> client.list("127.0.0.1", port));
        assertEquals(UsbIpException.Kind.CONNECT_FAILED, e.kind());
        assertEquals("usbip: 127.0.0.1:" + port + ": connection refused", e.getMessage());
    }

    @Test
    void shouldReportAServerSpeakingAnotherVersionAsABadReply() throws Exception {
        try (ScriptedServer server = new ScriptedServer(socket -> {
            socket.getInputStream().readNBytes(8);
            socket.getOutputStream().write(bytes("0110 0005 00000000 00000000"));
            socket.getInputStream().read();
        })) {
            UsbIpException e = assertThrows(UsbIpException.class, () -> client.list("127.0.0.1", server.port()));
            assertEquals(UsbIpException.Kind.BAD_REPLY, e.kind());
            assertEquals("usbip: 127.0.0.1:" + server.port() + ": bad reply: version 0x0110, expected 0x0111",
                    e.getMessage());
        }
    }

    @Test
    void shouldRejectAnImportReplyNamingAnotherBusid() throws Exception {
        try (ScriptedServer server = new ScriptedServer(socket -> {
            socket.getInputStream().readNBytes(40);
            socket.getOutputStream().write(bytes("0111 0003 00000000", Fixtures.cdcRecord()));
            socket.getInputStream().read();
        })) {
            UsbIpException e = assertThrows(UsbIpException.class,
                    () -> client.importDevice("127.0.0.1", server.port(), "1-1"));
            assertEquals(UsbIpException.Kind.BAD_REPLY, e.kind());
            assertEquals("usbip: 127.0.0.1:" + server.port() + ": bad reply: asked for device 1-1, got 2-1",
                    e.getMessage());
        }
    }

    @Test
    void shouldTreatStatusNotAvailableFromOlderServersAsNotFound() throws Exception {
        try (ScriptedServer server = new ScriptedServer(socket -> {
            socket.getInputStream().readNBytes(40);
            socket.getOutputStream().write(bytes("0111 0003 00000001"));   // ST_NA, then close
        })) {
            UsbIpException e = assertThrows(UsbIpException.class,
                    () -> client.importDevice("127.0.0.1", server.port(), "1-1"));
            assertEquals(UsbIpException.Kind.DEVICE_NOT_FOUND, e.kind());
            assertEquals("usbip: 127.0.0.1:" + server.port() + ": device 1-1 not found or not available",
                    e.getMessage());
        }
    }

    @Test
    void shouldReportASilentServerAsATimeout() throws Exception {
        try (UsbIpClient impatient = new UsbIpClient(Duration.ofMillis(200));
             ScriptedServer server = new ScriptedServer(socket -> {
                 socket.getInputStream().readNBytes(8);
                 socket.getInputStream().read();        // never answers; waits for the client to leave
             })) {
            UsbIpException e = assertThrows(UsbIpException.class, () -> impatient.list("127.0.0.1", server.port()));
            assertEquals(UsbIpException.Kind.TIMEOUT, e.kind());
            assertEquals("usbip: 127.0.0.1:" + server.port() + ": no reply within 200 ms", e.getMessage());
        }
    }

    @Test
    void shouldDropTheConnectionWhenAResultArrivesForASeqnumItNeverSent() throws Exception {
        try (ScriptedServer server = new ScriptedServer(socket -> {
            socket.getInputStream().readNBytes(40);
            socket.getOutputStream().write(Golden.importReply().wire());
            socket.getInputStream().readNBytes(48);                         // CMD_SUBMIT seqnum 1, IN
            socket.getOutputStream().write(bytes("00000003 00000063", zeros(40)));   // RET_SUBMIT seqnum 99
            socket.getInputStream().read();
        })) {
            ImportedDevice device = client.importDevice("127.0.0.1", server.port(), "1-1");
            PendingUrb urb = device.submit(UrbRequest.bulkIn(1, 8));
            UsbIpException e = failure(urb);
            assertEquals(UsbIpException.Kind.BAD_REPLY, e.kind());
            assertTrue(e.getMessage().endsWith("bad reply: RET_SUBMIT for seqnum 99, which is not outstanding"),
                    e.getMessage());
            assertEquals(UsbIpException.Kind.BAD_REPLY, failure(device.closed()).kind());
            device.close();
        }
    }

    @Test
    void shouldFailOutstandingUrbsWhenTheServerGoesAway() throws Exception {
        try (ScriptedServer server = new ScriptedServer(socket -> {
            socket.getInputStream().readNBytes(40);
            socket.getOutputStream().write(Golden.importReply().wire());
            socket.getInputStream().readNBytes(48);                         // then hang up
        })) {
            ImportedDevice device = client.importDevice("127.0.0.1", server.port(), "1-1");
            UsbIpException e = failure(device.submit(UrbRequest.bulkIn(1, 8)));
            assertEquals(UsbIpException.Kind.CONNECTION_CLOSED, e.kind());
            assertEquals("usbip: 127.0.0.1:" + server.port() + ": connection closed by the server", e.getMessage());
            assertEquals(e.getMessage(), failure(device.closed()).getMessage());
            device.close();
        }
    }

    @Test
    void shouldNumberUrbsFromOneAndCompleteClosedNormallyWhenItClosesItself() throws Exception {
        try (UsbIpServer server = UsbIpServer.builder().port(0).start();
             FakeDevice dfu = new FakeDevice(Fixtures.DFU)) {
            server.export(dfu);
            ImportedDevice device = client.importDevice("127.0.0.1", server.port(), "1-1");
            PendingUrb first = device.submit(UrbRequest.bulkIn(1, 8));
            PendingUrb second = device.submit(UrbRequest.bulkOut(2, new byte[]{1, 2, 3}));
            assertEquals(1, first.seqnum());
            assertEquals(2, second.seqnum());
            dfu.awaitHeld(2);
            assertEquals(0x00010002, dfu.heldUrb(1).devid());
            assertArrayEquals(new byte[]{1, 2, 3}, dfu.heldUrb(2).data());
            dfu.complete(2, UrbResult.okOut(3));
            assertEquals(3, second.get(5, TimeUnit.SECONDS).actualLength());

            device.close();
            assertEquals(UsbIpException.Kind.CONNECTION_CLOSED, failure(first).kind());
            device.closed().toCompletableFuture().get(5, TimeUnit.SECONDS);   // normal completion
            dfu.releasedFuture().get(5, TimeUnit.SECONDS);
        }
    }
}
