package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.client.ImportedDevice;
import dev.stm32emu.usbip.client.PendingUrb;
import dev.stm32emu.usbip.client.UrbRequest;
import dev.stm32emu.usbip.client.UsbIpException;
import dev.stm32emu.usbip.message.OpRepDevlist;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.testing.FakeDevice;
import dev.stm32emu.usbip.testing.Fixtures;
import dev.stm32emu.usbip.testing.Golden;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.stm32emu.usbip.testing.WireBytes.padded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server over real TCP on 127.0.0.1: listing, importing, bad clients, lifecycle. */
class UsbIpServerTest extends ServerFixture {
    @Test
    void shouldListenOnLoopbackAndReportThePortItWasGiven() {
        assertTrue(server.port() > 0);
        assertTrue(server.localAddress().getAddress().isLoopbackAddress());
    }

    @Test
    void shouldListExportedDevicesWithTheirInterfaces() throws Exception {
        try (FakeDevice cdc = new FakeDevice(Fixtures.CDC)) {
            server.export(cdc);
            assertEquals(List.of(Fixtures.DFU, Fixtures.CDC), client.list(host(), server.port()));
            assertEquals(List.of(Fixtures.DFU, Fixtures.CDC), server.exportedDevices());
        }
    }

    @Test
    void shouldAnswerARawDevlistWithExactBytesAndThenCloseTheConnection() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
            socket.getOutputStream().write(Golden.devlistRequest().wire());
            byte[] reply = socket.getInputStream().readAllBytes();     // returns at the server's close
            assertArrayEquals(encode(OpRepDevlist.of(List.of(Fixtures.DFU))), reply);
        }
    }

    @Test
    void shouldEchoTheBusidByteForByteAndServeUrbsOnTheSameSocket() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
            socket.getOutputStream().write(Golden.importRequest().wire());
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(320);
            assertArrayEquals(Golden.importReply().wire(), reply);
            assertArrayEquals(padded("1-1", 32), Arrays.copyOfRange(reply, 8 + 0x100, 8 + 0x120));

            socket.getOutputStream().write(Golden.controlInSubmit().wire());   // GET_DESCRIPTOR(DEVICE, 64)
            byte[] ret = in.readNBytes(Golden.controlInReply().wire().length);
            assertArrayEquals(Golden.controlInReply().wire(), ret);
            assertTrue(server.isImported("1-1"));
        }
        await(dfu.releasedFuture());
    }

    @Test
    void shouldImportADeviceAndAnswerGetDescriptorThroughTheClient() throws Exception {
        try (ImportedDevice device = importDfu()) {
            assertEquals(Fixtures.DFU.withInterfaces(List.of()), device.info());
            assertEquals(0x00010002, device.devid());
            PendingUrb urb = device.submit(getDeviceDescriptor(64));
            assertEquals(1, urb.seqnum());                       // the client numbers from 1
            UrbResult result = await(urb);
            assertEquals(0, result.status());
            assertArrayEquals(Golden.DEVICE_DESCRIPTOR, result.data());
            assertEquals(1, dfu.imports());
        }
    }

    @Test
    void shouldRefuseASecondImportAsBusy() throws Exception {
        try (ImportedDevice first = importDfu()) {
            UsbIpException e = assertThrows(UsbIpException.class, this::importDfu);
            assertEquals(UsbIpException.Kind.DEVICE_BUSY, e.kind());
            assertEquals("usbip: 127.0.0.1:" + server.port() + ": device 1-1 is busy (imported by another client)",
                    e.getMessage());
            assertTrue(first.isOpen());
            // an imported device is not offered to others, as usbipd does
            assertEquals(List.of(), client.list(host(), server.port()));
        }
    }

    @Test
    void shouldRefuseAnUnknownBusidAsNotFound() {
        UsbIpException e = assertThrows(UsbIpException.class,
                () -> client.importDevice(host(), server.port(), "7-7"));
        assertEquals(UsbIpException.Kind.DEVICE_NOT_FOUND, e.kind());
        assertEquals("usbip: 127.0.0.1:" + server.port() + ": device 7-7 not found", e.getMessage());
    }

    @Test
    void shouldAllowAnotherImportAfterTheImporterDisconnects() throws Exception {
        importDfu().close();
        await(dfu.releasedFuture());
        try (ImportedDevice again = importDfu()) {
            assertArrayEquals(Golden.DEVICE_DESCRIPTOR, await(again.submit(getDeviceDescriptor(18))).data());
            assertEquals(2, dfu.imports());
        }
    }

    @Test
    void shouldServeOneHundredParallelDevlistConnections() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<UsbDeviceInfo>>> lists = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                lists.add(pool.submit(() -> client.list(host(), server.port())));
            }
            for (Future<List<UsbDeviceInfo>> list : lists) {
                assertEquals(List.of(Fixtures.DFU), list.get(WAIT, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void shouldDropAClientThatSendsGarbageAndKeepServingOthers() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, socket.getInputStream().read());            // closed, no reply
        }
        assertEquals(List.of(Fixtures.DFU), client.list(host(), server.port()));
    }

    @Test
    void shouldDropAnImporterThatSendsGarbageReleaseTheDeviceAndAllowAnotherImport() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
            socket.getOutputStream().write(Golden.importRequest().wire());
            assertEquals(320, socket.getInputStream().readNBytes(320).length);
            byte[] garbage = new byte[48];
            Arrays.fill(garbage, (byte) 0x5a);
            socket.getOutputStream().write(garbage);                      // command 0x5a5a5a5a
            assertEquals(-1, socket.getInputStream().read());
        }
        await(dfu.releasedFuture());
        try (ImportedDevice device = importDfu()) {
            assertTrue(device.isOpen());
        }
    }

    @Test
    void shouldRefuseToExportTheSameBusidTwice() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> server.export(new FakeDevice(Fixtures.DFU)));
        assertTrue(e.getMessage().contains("1-1"));
    }

    @Test
    void shouldReleaseImportedDevicesWhenClosed() throws Exception {
        ImportedDevice device = importDfu();
        device.submit(UrbRequest.bulkIn(1, 8));
        dfu.awaitHeld(1);
        server.close();
        await(dfu.releasedFuture());
        assertThrows(ExecutionException.class, () -> await(device.closed()));
        assertThrows(IllegalStateException.class, () -> server.export(new FakeDevice(Fixtures.CDC)));
        device.close();
    }

    @Test
    void shouldRefuseANonLoopbackAddressUnlessRemoteAccessIsAllowed() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UsbIpServer.builder().bindAddress("0.0.0.0").port(0).start());
        assertTrue(e.getMessage().contains("no authentication"), e.getMessage());
        try (UsbIpServer open = UsbIpServer.builder().bindAddress("0.0.0.0").port(0).allowRemote(true).start()) {
            assertTrue(open.localAddress().getAddress().isAnyLocalAddress());
            assertTrue(open.port() > 0);
        }
    }

    @Test
    void shouldReportAPortInUseAsAnIoExceptionNamingTheAddress() {
        IOException e = assertThrows(IOException.class, () -> UsbIpServer.builder().port(server.port()).start());
        assertTrue(e.getMessage().startsWith("usbip: cannot listen on 127.0.0.1:" + server.port()), e.getMessage());
    }
}
