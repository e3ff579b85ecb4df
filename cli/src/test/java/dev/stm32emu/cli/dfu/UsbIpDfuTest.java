package dev.stm32emu.cli.dfu;

import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.core.usb.SetupPacket;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.server.UrbResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer 3 through USB/IP: the flow of {@link InProcessDfuTest} repeated with the Java DfuSe
 * host on a real USB/IP TCP connection on loopback (client -> usbip-server -> bridge ->
 * transfer engine -> USB peripheral model -> our bootloader), the path a remote host takes.
 */
class UsbIpDfuTest {
    private static final long APP = 0x0800_8000L;
    private UsbIpBoard usbip;

    @AfterEach
    void tearDown() {
        if (usbip != null) {
            usbip.close();
        }
    }

    private UsbIpDfuTransport boot(String board, boolean boot1) throws Exception {
        usbip = new UsbIpBoard(board, boot1);
        return usbip.open();
    }

    private static DfuHost host(DfuTransport t) {
        return new DfuHost(t, DfuHostOptions.DFU_UTIL_0_11);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void listsTheBootloaderUnderBusId11AndEnumeratesWithTheSameDescriptors(String name) throws Exception {
        usbip = new UsbIpBoard(name, false);
        List<UsbDeviceInfo> listed = usbip.awaitListed();
        assertEquals(1, listed.size());
        assertEquals("1-1", listed.get(0).busid());
        assertEquals(0x0483, listed.get(0).idVendor());
        assertEquals(0xDF11, listed.get(0).idProduct());
        UsbIpDfuTransport t = usbip.open();
        assertEquals("12010002000000408304" + "11df0022010203" + "01",
                HexFormat.of().formatHex(t.deviceDescriptor().data()));
        String functional = name.equals("bluepill") ? "092103ff0000041a01" : "092103ff0000081a01";
        assertEquals("09021b00010100803209040000" + "00fe010204" + functional,
                HexFormat.of().formatHex(t.configurationDescriptor(0).data()));
        List<DfuInterface> found = host(t).list();
        assertEquals(1, found.size());
        assertEquals(name.equals("bluepill") ? "@Internal Flash  /0x08000000/32*001Ka,32*001Kg"
                : "@Internal Flash  /0x08000000/16*002Ka,112*002Kg", found.get(0).name());
        assertTrue(found.get(0).functional().canUpload());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void downloadsTheAppAndUploadsItBackByteForByte(String name) throws Exception {
        UsbIpDfuTransport t = boot(name, false);
        byte[] app = Files.readAllBytes(UsbIpBoard.fw("f103/blink-app-" + name + ".bin"));
        DfuResult down = host(t).download(DfuProbe.AltFilter.number(0), DfuFile.raw(app), DfuseOptions.at(APP));
        assertEquals(app.length, down.report().bytes());
        assertTrue(down.report().pollWaitMillis() > 0, "the host waited the device's bwPollTimeout");
        byte[] back = host(t).upload(DfuProbe.AltFilter.number(0), DfuseOptions.at(APP).withLength(app.length), 0)
                .data();
        assertArrayEquals(app, back, "uploaded app differs from the downloaded one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void leavesIntoTheAppWithBoot1HighAndTheDeviceIsGoneFromTheList(String name) throws Exception {
        UsbIpDfuTransport t = boot(name, false);
        byte[] app = Files.readAllBytes(UsbIpBoard.fw("f103/blink-app-" + name + ".bin"));
        host(t).download(DfuProbe.AltFilter.number(0), DfuFile.raw(app), DfuseOptions.at(APP));
        usbip.drive("PB2", true); // the BOOT1 jumper
        host(t).dfuseCommand(DfuProbe.AltFilter.number(0), DfuseOptions.at(APP).withLeave(true));

        // The device detaches for the reset: the server closes the connection.
        t.device().closed().toCompletableFuture().handle((v, e) -> null).get(30, TimeUnit.SECONDS);
        assertFalse(t.device().isOpen(), "the connection closed after the leave");
        long resetAt = waitFor(e -> e instanceof MachineEvent.Reset r && r.kind() == ResetKind.SOFTWARE);
        List<Long> edges = waitForEdges(resetAt, 5);
        long half = Ticks.parseDuration("500ms");
        for (int i = 2; i < edges.size(); i++) {
            long period = edges.get(i) - edges.get(i - 1);
            assertTrue(Math.abs(period - half) <= half / 100, "PC13 half-period " + Ticks.formatSeconds(period));
        }
        assertTrue(usbip.uart.text().contains("blink-app: running from 0x08008000"), usbip.uart.text());
        int vtor = usbip.runner.call(() -> usbip.board.machine().scb().vtor()).get(10, TimeUnit.SECONDS);
        assertEquals((int) APP, vtor, "the app's vector table");
        assertTrue(usbip.list().isEmpty(), "the app has no USB device: nothing is exported");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void comesBackAsTheBootloaderUnder11AfterTheLeaveWithBoot1Low(String name) throws Exception {
        UsbIpDfuTransport t = boot(name, false);
        byte[] app = Files.readAllBytes(UsbIpBoard.fw("f103/blink-app-" + name + ".bin"));
        host(t).download(DfuProbe.AltFilter.number(0), DfuFile.raw(app), DfuseOptions.at(APP).withLeave(true));
        t.device().closed().toCompletableFuture().handle((v, e) -> null).get(30, TimeUnit.SECONDS);
        waitFor(e -> e instanceof MachineEvent.Reset r && r.kind() == ResetKind.SOFTWARE);

        List<UsbDeviceInfo> again = usbip.awaitListed();
        assertEquals("1-1", again.get(0).busid());
        assertEquals(0xDF11, again.get(0).idProduct());
        assertTrue(usbip.uart.text().contains("leaving DFU, reset"), usbip.uart.text());
        int banners = usbip.uart.text().split("DFU mode \\(BOOT1 low\\)", -1).length - 1;
        assertEquals(2, banners, "the bootloader booted twice: " + usbip.uart.text());

        // And it is usable again over a new import: the app is still there.
        try (UsbIpDfuTransport again2 = usbip.open()) {
            byte[] back = host(again2).upload(DfuProbe.AltFilter.number(0),
                    DfuseOptions.at(APP).withLength(app.length), 0).data();
            assertArrayEquals(app, back);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void refusesADownloadIntoTheReadOnlyBootloaderArea(String name) throws Exception {
        UsbIpDfuTransport t = boot(name, false);
        DfuException e = assertThrows(DfuInputException.class, () -> host(t).download(DfuProbe.AltFilter.number(0),
                DfuFile.raw(new byte[256]), DfuseOptions.at(0x0800_1000L)));
        assertTrue(e.getMessage().contains("not writeable"), e.getMessage());
        DfuProtocolException forced = assertThrows(DfuProtocolException.class, () -> host(t).download(
                DfuProbe.AltFilter.number(0), DfuFile.raw(new byte[256]), DfuseOptions.at(0x0800_1000L).withForce()));
        assertEquals(DfuStatus.ERR_TARGET, forced.status());
        assertEquals(DfuState.DFU_ERROR, forced.state());
        assertTrue(forced.getMessage().contains("errTARGET in state dfuERROR"), forced.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void clrstatusRecoversFromDfuError(String name) throws Exception {
        UsbIpDfuTransport t = boot(name, false);
        assertTrue(t.controlOut(new SetupPacket(0x21, 1, 0, 0, 5), new byte[]{0x41, 0, 0x10, 0, 8}).ok(), "ERASE");
        DfuStatusReport st = status(t);
        for (int i = 0; i < 20 && st.stateCode() == DfuState.DFU_DNBUSY.code(); i++) {
            t.sleep(st.pollTimeoutMillis());
            st = status(t);
        }
        assertEquals(DfuState.DFU_ERROR.code(), st.stateCode());
        assertEquals(DfuStatus.ERR_TARGET.code(), st.statusCode());
        assertTrue(t.controlOut(new SetupPacket(0x21, 4, 0, 0, 0), new byte[0]).ok(), "CLRSTATUS");
        DfuStatusReport ok = status(t);
        assertEquals(DfuState.DFU_IDLE.code(), ok.stateCode());
        assertEquals(DfuStatus.OK.code(), ok.statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void downloadsADfuseFile(String name) throws Exception {
        UsbIpDfuTransport t = boot(name, false);
        DfuFile file = DfuFile.read(UsbIpBoard.fw("f103/blink-app-" + name + ".dfu"));
        host(t).download(DfuProbe.AltFilter.number(0), file, DfuseOptions.NONE);
        byte[] app = Files.readAllBytes(UsbIpBoard.fw("f103/blink-app-" + name + ".bin"));
        byte[] back = host(t).upload(DfuProbe.AltFilter.number(0), DfuseOptions.at(APP).withLength(app.length), 0)
                .data();
        assertArrayEquals(app, back);
    }

    @ParameterizedTest
    @CsvSource({"REENUMERATE", "PORT_RESET_REQUEST"})
    void aDeviceResetBringsTheBootloaderBackToDfuIdleOnTheSameConnection(UsbIpDfuTransport.ResetSignal signal)
            throws Exception {
        usbip = new UsbIpBoard("bluepill", false);
        usbip.awaitListed();
        UsbIpDfuTransport t = UsbIpDfuTransport.open(
                usbip.client.importDevice("127.0.0.1", usbip.server.port(), UsbIpBoard.BUSID), signal);
        // Leave the device in dfuERROR, then reset it: a bus reset puts the bootloader in dfuIDLE.
        assertEquals(TransferStatus.STALL, t.controlOut(new SetupPacket(0x21, 1, 1, 0, 1), new byte[1]).status(),
                "DNLOAD block 1 stalls");
        assertEquals(DfuState.DFU_ERROR.code(), status(t).stateCode());
        assertTrue(t.resetDevice().ok(), "reset");
        long resets = usbip.bridgeEvents.stream().filter(s -> s.startsWith("bus reset")).count();
        assertTrue(resets >= 2, "the bridge reset the device again: " + usbip.bridgeEvents);
        DfuStatusReport st = status(t);
        assertEquals(DfuState.DFU_IDLE.code(), st.stateCode(), st.toString());
        assertEquals(1, host(t).list().size(), "configured and usable after the reset");
    }

    @Test
    void mapsUrbErrnosAsLibusbReportsThem() {
        assertEquals(TransferStatus.OK, UsbIpDfuTransport.statusOf(0));
        assertEquals(TransferStatus.STALL, UsbIpDfuTransport.statusOf(UrbResult.EPIPE));
        assertEquals(TransferStatus.TIMEOUT, UsbIpDfuTransport.statusOf(UrbResult.ETIMEDOUT));
        assertEquals(TransferStatus.TIMEOUT, UsbIpDfuTransport.statusOf(UrbResult.ETIME));
        assertEquals(TransferStatus.DISCONNECTED, UsbIpDfuTransport.statusOf(UrbResult.ECONNRESET));
        assertEquals(TransferStatus.DISCONNECTED, UsbIpDfuTransport.statusOf(UrbResult.ESHUTDOWN));
        assertEquals(TransferStatus.DISCONNECTED, UsbIpDfuTransport.statusOf(UrbResult.ENODEV));
        assertEquals(TransferStatus.ERROR, UsbIpDfuTransport.statusOf(UrbResult.EPROTO));
        assertEquals(TransferStatus.ERROR, UsbIpDfuTransport.statusOf(UrbResult.EOVERFLOW));
    }

    private static DfuStatusReport status(DfuTransport t) {
        ControlResult r = t.controlIn(new SetupPacket(0xA1, 3, 0, 0, 6));
        assertTrue(r.ok(), "GETSTATUS " + r.status());
        return DfuStatusReport.parse(r.data());
    }

    private long waitFor(java.util.function.Predicate<MachineEvent> p) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            for (MachineEvent e : usbip.events) {
                if (p.test(e)) {
                    return e.timePs();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("event not seen; uart: " + usbip.uart.text());
    }

    private List<Long> waitForEdges(long after, int count) throws InterruptedException {
        List<Long> edges = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            edges.clear();
            for (MachineEvent e : usbip.events) {
                if (e instanceof MachineEvent.PinChange p && p.pin().equals("PC13") && p.timePs() > after) {
                    edges.add(p.timePs());
                }
            }
            if (edges.size() >= count) {
                return edges;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("only " + edges.size() + " PC13 edges; uart: " + usbip.uart.text());
    }
}
