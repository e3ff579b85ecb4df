package dev.stm32emu.cli.dfu;

import static dev.stm32emu.cli.dfu.DfuFileTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stm32emu.cli.dfu.DfuMemory.Operation;
import dev.stm32emu.cli.dfu.DfuProbe.AltFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host against the simulated DfuSe device, compared request by request with dfu-util 0.11
 * (facts-usb §3.3-3.5) and with the URB histogram measured with the real tool (facts-vm-e2e §5).
 */
class DfuHostDfuseTest {

    /** The flash of the USB/IP test server of facts-vm-e2e (64 pages of 2 KiB). */
    static final String LAYOUT = "@Internal Flash  /0x08000000/64*002Kg";
    private static final AltFilter ALT0 = AltFilter.number(0);

    private final NorFlashFake flash = new NorFlashFake(LAYOUT);
    private final SimulatedDfuDevice device = SimulatedDfuDevice.dfuse(flash);
    private final DfuHost host = new DfuHost(device, DfuHostOptions.DFU_UTIL_0_11);

    @Test
    void shouldSendWhatDfuUtilSentForA10KbDownloadAndUploadSession() throws Exception {
        byte[] image = bytes(10240, 1);

        DfuResult down = host.download(ALT0, DfuFile.raw(image), DfuseOptions.parse("0x08000000"));
        DfuResult up = host.upload(ALT0, DfuseOptions.parse("0x08000000:10240"), 0);

        Map<String, Integer> h = Traffic.histogram(device);
        assertEquals(37, h.get("GETSTATUS"));
        assertEquals(16, h.get("DNLOAD"));
        assertEquals(5, h.get("UPLOAD"));
        assertEquals(3, h.get("ABORT"));
        assertEquals(2, h.get("SET_INTERFACE"));
        assertEquals(8, h.get("GET_DESCRIPTOR"), "strings 0, 4, 0, 3 per run");
        assertEquals(5, flash.count(Operation.ERASE));
        assertArrayEquals(image, flash.peek(0x08000000L, image.length));
        assertArrayEquals(image, up.data());
        assertEquals(32, down.report().getStatusPolls());
        assertEquals(15, down.report().count(DfuRequest.DNLOAD));
        assertEquals(2048, down.transferSize());
    }

    @Test
    void shouldDownloadAndLeaveWithExactlyDfuUtilsRequestSequence() throws Exception {
        host.download(ALT0, DfuFile.raw(bytes(3000, 2)), DfuseOptions.parse("0x08000000:leave"));

        List<String> expected = new ArrayList<>(List.of(
                "GET_DESCRIPTOR STRING 0", "GET_DESCRIPTOR STRING 4", "GET_DESCRIPTOR STRING 0", "GET_DESCRIPTOR STRING 3",
                "SET_INTERFACE 0", "GETSTATUS",
                "DNLOAD 0 [41 00 00 00 08]", "GETSTATUS", "GETSTATUS",
                "DNLOAD 0 [41 00 08 00 08]", "GETSTATUS", "GETSTATUS",
                "DNLOAD 0 [21 00 00 00 08]", "GETSTATUS", "GETSTATUS",
                "DNLOAD 2 len 2048", "GETSTATUS", "GETSTATUS",
                "DNLOAD 0 [21 00 08 00 08]", "GETSTATUS", "GETSTATUS",
                "DNLOAD 2 len 952", "GETSTATUS", "GETSTATUS",
                "ABORT", "GETSTATUS",
                "DNLOAD 0 [21 00 00 00 08]", "GETSTATUS", "GETSTATUS",
                "DNLOAD 2 len 0", "GETSTATUS"));
        assertEquals(expected, Traffic.lines(device));
        assertTrue(device.machine().hasLeft());
        assertEquals(0x08000000L, device.machine().leaveAddress());
        assertArrayEquals(bytes(3000, 2), flash.peek(0x08000000L, 3000));
    }

    @Test
    void shouldWaitEveryPollTimeoutInVirtualTimeAndReportIt() throws Exception {
        DfuResult r = host.download(ALT0, DfuFile.raw(bytes(3000, 2)), DfuseOptions.parse("0x08000000"));

        assertEquals(2 * 20 + 2 * 5, r.report().pollWaitMillis(), "two erases of 20 ms, two programs of 5 ms");
        assertEquals(50, r.report().waitMillis());
        assertEquals(50, device.nowMillis());
        assertEquals(3000, r.report().bytes());
    }

    @Test
    void shouldRefuseADownloadEndingInAReadOnlyAreaBeforeChangingAnything() {
        NorFlashFake f = new NorFlashFake("@Internal Flash  /0x08000000/8*1Ka,56*1Kg");
        SimulatedDfuDevice d = SimulatedDfuDevice.dfuse(f);

        DfuInputException e = assertThrows(DfuInputException.class, () -> new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11)
                .download(ALT0, DfuFile.raw(bytes(3000, 3)), DfuseOptions.parse("0x08000000")));

        assertEquals("Last page at 0x08000bb7 is not writeable: refusing to download 3000 bytes to "
                + "0x08000000-0x08000bb7, which is not inside a writeable segment of \"@Internal Flash  "
                + "/0x08000000/8*1Ka,56*1Kg\" (0x08000000-0x08001fff 1024-byte pages r, 0x08002000-0x0800ffff "
                + "1024-byte pages rew)", e.getMessage());
        assertFalse(Traffic.lines(d).stream().anyMatch(l -> l.startsWith("DNLOAD")));
    }

    @Test
    void shouldRefuseADownloadThatStartsInAReadOnlyAreaEvenIfItsEndIsWriteable() {
        NorFlashFake f = new NorFlashFake("@Internal Flash  /0x08000000/8*1Ka,56*1Kg");
        SimulatedDfuDevice d = SimulatedDfuDevice.dfuse(f);

        DfuInputException e = assertThrows(DfuInputException.class, () -> new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11)
                .download(ALT0, DfuFile.raw(bytes(2048, 3)), DfuseOptions.parse("0x08001C00")));

        assertTrue(e.getMessage().startsWith("Page at 0x08001c00 is not writeable"), e.getMessage());
    }

    @Test
    void shouldRefuseADownloadRunningPastTheEndOfFlash() {
        DfuInputException e = assertThrows(DfuInputException.class,
                () -> host.download(ALT0, DfuFile.raw(bytes(4096, 3)), DfuseOptions.parse("0x0801F800")));

        assertTrue(e.getMessage().startsWith("Last page at 0x080207ff is not writeable: refusing to download 4096 "
                + "bytes to 0x0801f800-0x080207ff"), e.getMessage());
        assertEquals(0, flash.count(Operation.ERASE));
    }

    @Test
    void shouldReportTheDevicesErrTargetWithStateAndStatusNames() {
        DfuProtocolException e = assertThrows(DfuProtocolException.class, () -> host.download(ALT0,
                DfuFile.raw(bytes(64, 3)), DfuseOptions.parse("0x20000000:force")));

        assertEquals("SET_ADDRESS 0x20000000 not correctly executed: device reported errTARGET in state dfuERROR: "
                + "address not accepted by the device (outside its memory or not writeable)", e.getMessage());
        assertEquals(DfuState.DFU_ERROR, e.state());
        assertEquals(DfuStatus.ERR_TARGET, e.status());
    }

    @Test
    void shouldRefuseToEraseAPageOutsideTheLayoutEvenWithForceAsDfuUtilDoes() {
        DfuInputException e = assertThrows(DfuInputException.class, () -> host.download(ALT0,
                DfuFile.raw(bytes(64, 3)), DfuseOptions.parse("0x0801FFE0:force")));

        assertTrue(e.getMessage().startsWith("Page at 0x0802001f can not be erased"), e.getMessage());
    }

    @Test
    void shouldClearAnErrorLeftFromAnEarlierRunAndThenSucceed() throws Exception {
        flash.inject(Operation.ERASE, 0x08000800L, DfuMemoryError.ERASE, 1);
        DfuProtocolException failed = assertThrows(DfuProtocolException.class,
                () -> host.download(ALT0, DfuFile.raw(bytes(4096, 4)), DfuseOptions.parse("0x08000000")));
        assertEquals("ERASE_PAGE 0x08000800 not correctly executed: device reported errERASE in state dfuERROR: "
                + "Memory erase function failed.", failed.getMessage());
        device.clearLog();

        DfuResult r = host.download(ALT0, DfuFile.raw(bytes(4096, 4)), DfuseOptions.parse("0x08000000"));

        assertEquals(List.of("SET_INTERFACE 0", "GETSTATUS", "CLRSTATUS", "GETSTATUS", "DNLOAD 0 [41 00 00 00 08]"),
                Traffic.lines(device).subList(4, 9));
        assertTrue(r.warnings().contains("Clearing status (device was in dfuERROR/errERASE)"), r.warnings().toString());
        assertArrayEquals(bytes(4096, 4), flash.peek(0x08000000L, 4096));
    }

    @Test
    void shouldStartFromTheF4RomsInitialErrFirmwareState() throws Exception {
        device.machine().startIn(DfuState.DFU_ERROR, DfuStatus.ERR_FIRMWARE);

        host.download(ALT0, DfuFile.raw(bytes(100, 5)), DfuseOptions.parse("0x08000000"));

        assertEquals(List.of("SET_INTERFACE 0", "GETSTATUS", "CLRSTATUS", "GETSTATUS"), Traffic.lines(device).subList(4, 8));
    }

    @Test
    void shouldAbortATransferLeftInDnloadIdleBeforeStarting() throws Exception {
        device.machine().startIn(DfuState.DFU_DNLOAD_IDLE, DfuStatus.OK);

        host.upload(ALT0, DfuseOptions.parse("0x08000000:16"), 0);

        assertEquals(List.of("SET_INTERFACE 0", "GETSTATUS", "ABORT", "GETSTATUS", "DNLOAD 0 [21 00 00 00 08]"),
                Traffic.lines(device).subList(4, 9));
    }

    @Test
    void shouldFailLikeDfuUtil011WhenTheFirstPollAfterACommandIsNotDnbusy() {
        DfuStateMachine sync = new DfuStateMachine(DfuDeviceConfig.dfuse(2048).withReportBusy(false),
                List.of(new NorFlashFake(LAYOUT)));
        DfuHost h = new DfuHost(new SimulatedDfuDevice(sync), DfuHostOptions.DFU_UTIL_0_11);

        DfuProtocolException e = assertThrows(DfuProtocolException.class,
                () -> h.download(ALT0, DfuFile.raw(bytes(100, 5)), DfuseOptions.parse("0x08000000")));

        assertTrue(e.getMessage().startsWith("Wrong state after command \"ERASE_PAGE\" download (ERASE_PAGE 0x08000000;"
                + " dfu-util 0.11 requires dfuDNBUSY first): device reported OK in state dfuDNLOAD-IDLE"), e.getMessage());
    }

    @Test
    void shouldAcceptDnloadIdleAfterACommandWhenToldToBehaveLikeNewerDfuUtil() throws Exception {
        NorFlashFake f = new NorFlashFake(LAYOUT);
        DfuStateMachine sync = new DfuStateMachine(DfuDeviceConfig.dfuse(2048).withReportBusy(false), List.of(f));
        DfuHost h = new DfuHost(new SimulatedDfuDevice(sync), DfuHostOptions.DFU_UTIL_0_11.withAcceptIdleAfterCommand(true));

        h.download(ALT0, DfuFile.raw(bytes(100, 5)), DfuseOptions.parse("0x08000000"));

        assertArrayEquals(bytes(100, 5), f.peek(0x08000000L, 100));
    }

    @Test
    void shouldUploadExactlyTheRequestedNumberOfBytes() throws Exception {
        flash.poke(0x08000000L, bytes(8192, 6));

        DfuResult r = host.upload(ALT0, DfuseOptions.parse("0x08000000:5000"), 0);

        assertArrayEquals(java.util.Arrays.copyOf(bytes(8192, 6), 5000), r.data());
        List<String> uploads = Traffic.lines(device).stream().filter(l -> l.startsWith("UPLOAD")).toList();
        assertEquals(List.of("UPLOAD 2 len 2048", "UPLOAD 3 len 2048", "UPLOAD 4 len 904"), uploads);
    }

    @Test
    void shouldUploadToTheEndOfTheSegmentWhenNoLengthIsGiven() throws Exception {
        DfuResult r = host.upload(ALT0, DfuseOptions.parse("0x0801F000"), 0);

        assertEquals(4096, r.data().length);
        assertTrue(r.warnings().contains("Limiting upload to end of memory segment, 4096 bytes"), r.warnings().toString());
    }

    @Test
    void shouldRefuseToUploadFromOutsideTheLayout() {
        DfuInputException e = assertThrows(DfuInputException.class,
                () -> host.upload(ALT0, DfuseOptions.parse("0x20000000:16"), 0));

        assertTrue(e.getMessage().startsWith("Page at 0x20000000 is not readable"), e.getMessage());
    }

    @Test
    void shouldFailWhenTheDeviceVanishesBeforeAnsweringTheLeave() {
        device.interceptor((setup, out, d) -> {
            boolean zeroLengthLeave = d.log().size() > 0 && Traffic.line(d.log().get(d.log().size() - 1)).equals("DNLOAD 2 len 0");
            if (zeroLengthLeave && DfuRequest.of(setup) == DfuRequest.GETSTATUS) {
                d.unplug();
                return ControlResult.failed(TransferStatus.DISCONNECTED);
            }
            return null;
        });

        DfuTransferException e = assertThrows(DfuTransferException.class,
                () -> host.download(ALT0, DfuFile.raw(bytes(100, 5)), DfuseOptions.parse("0x08000000:leave")));

        assertEquals("Error during download get_status: DISCONNECTED", e.getMessage());
    }

    @Test
    void shouldLeaveWithoutSetAddressWhenNoAddressWasGiven() throws Exception {
        host.dfuseCommand(ALT0, DfuseOptions.parse(":leave"));

        assertEquals(List.of("SET_INTERFACE 0", "GETSTATUS", "ABORT", "GETSTATUS", "DNLOAD 2 len 0", "GETSTATUS"),
                Traffic.lines(device).subList(4, 10));
        assertTrue(device.machine().hasLeft());
    }

    @Test
    void shouldMassEraseInsteadOfPageErasesAndWait35SecondsWhenTheDeviceSays100Ms() throws Exception {
        flash.poke(0x0801F000L, new byte[]{1, 2, 3});
        flash.pollTimeout(Operation.MASS_ERASE, 100);

        DfuResult r = host.download(ALT0, DfuFile.raw(bytes(100, 5)), DfuseOptions.parse("0x08000000:mass-erase:force"));

        assertEquals(1, flash.count(Operation.MASS_ERASE));
        assertEquals(0, flash.count(Operation.ERASE));
        assertArrayEquals(new byte[]{-1, -1, -1}, flash.peek(0x0801F000L, 3));
        assertEquals(35_000 + 5, r.report().pollWaitMillis());
    }

    @Test
    void shouldRefuseAMassEraseWithoutForceBeforeSendingAnything() {
        DfuInputException e = assertThrows(DfuInputException.class,
                () -> host.dfuseCommand(ALT0, DfuseOptions.parse(":mass-erase")));

        assertEquals("The mass erase command can only be used with force", e.getMessage());
        assertEquals(0, flash.count(Operation.MASS_ERASE));
    }

    @Test
    void shouldToleratePollStallsAfterACommandOnceAPollTimeoutWasSeen() throws Exception {
        int[] getStatusAfterErase = {0};
        device.interceptor((setup, out, d) -> {
            List<SimulatedDfuDevice.Exchange> log = d.log();
            String last = log.isEmpty() ? "" : Traffic.line(log.get(log.size() - 1));
            if (DfuRequest.of(setup) == DfuRequest.GETSTATUS && last.equals("GETSTATUS")
                    && Traffic.line(log.get(log.size() - 2)).startsWith("DNLOAD 0 [41") && getStatusAfterErase[0]++ == 0) {
                return ControlResult.failed(TransferStatus.STALL);
            }
            return null;
        });

        DfuResult r = host.download(ALT0, DfuFile.raw(bytes(100, 5)), DfuseOptions.parse("0x08000000"));

        assertTrue(r.warnings().contains("Device stalled USB pipe, reusing last poll timeout"), r.warnings().toString());
        assertArrayEquals(bytes(100, 5), flash.peek(0x08000000L, 100));
    }

    @Test
    void shouldDownloadEachTargetOfADfuseFileOnItsAlternateSetting() throws Exception {
        NorFlashFake option = new NorFlashFake("@Option Bytes  /0x1FFFC000/01*016 g");
        SimulatedDfuDevice d = SimulatedDfuDevice.dfuse(flash, option);
        DfuseImage image = new DfuseImage(List.of(
                new DfuseImage.Target(0, "Internal Flash", List.of(new DfuseImage.Element(0x08000000L, bytes(300, 7)))),
                new DfuseImage.Target(1, "Option Bytes", List.of(new DfuseImage.Element(0x1FFFC000L, bytes(16, 8))))));

        new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11)
                .download(AltFilter.ANY, DfuFile.parse("two.dfu", image.toFile(0x0483, 0xDF11, 0)), null);

        List<String> setInterface = Traffic.lines(d).stream().filter(l -> l.startsWith("SET_INTERFACE")).toList();
        assertEquals(List.of("SET_INTERFACE 0", "SET_INTERFACE 0", "SET_INTERFACE 1"), setInterface);
        assertArrayEquals(bytes(300, 7), flash.peek(0x08000000L, 300));
        assertArrayEquals(bytes(16, 8), option.peek(0x1FFFC000L, 16));
    }

    @Test
    void shouldRefuseARawImageWithoutAddressAndADfuseFileWithOne() throws Exception {
        DfuFile dfuse = DfuFile.parse("x.dfu", DfuseImage.of(0, "x", 0x08000000L, bytes(8, 1)).toFile(1, 2, 3));

        DfuInputException raw = assertThrows(DfuInputException.class,
                () -> host.download(ALT0, DfuFile.raw(bytes(8, 1)), null));
        DfuInputException file = assertThrows(DfuInputException.class,
                () -> host.download(ALT0, dfuse, DfuseOptions.parse("0x08000000")));

        assertTrue(raw.getMessage().contains("Only DfuSe file version 1.1a is supported"), raw.getMessage());
        assertEquals("x.dfu: This is a DfuSe file, not meant for raw download", file.getMessage());
    }

    @Test
    void shouldVerifyByReadingBackAndNoticeCorruptionOnTheWay() {
        device.interceptor((setup, out, d) -> {
            if (DfuRequest.of(setup) == DfuRequest.DNLOAD && setup.value() == 2 && out.length > 10) {
                byte[] corrupted = out.clone();
                corrupted[10] ^= 0x10;
                d.interceptor((s, o, dd) -> null);
                ControlResult r = d.controlOut(setup, corrupted);
                d.interceptor((s, o, dd) -> null);
                return r;
            }
            return null;
        });
        DfuHost verifying = new DfuHost(device, DfuHostOptions.DFU_UTIL_0_11.withVerify(true));

        DfuException e = assertThrows(DfuException.class,
                () -> verifying.download(ALT0, DfuFile.raw(bytes(100, 5)), DfuseOptions.parse("0x08000000")));

        assertTrue(e.getMessage().startsWith("Verify failed: 1 of 100 bytes at 0x08000000 differ; the first, at "
                + "0x0800000a, reads"), e.getMessage());
    }

    @Test
    void shouldReportEraseThenWriteProgressUpToTheTotal() throws Exception {
        List<String> events = new ArrayList<>();
        DfuHost h = new DfuHost(device, DfuHostOptions.DFU_UTIL_0_11.withListener(
                (phase, done, total) -> events.add(phase + " " + done + "/" + total)));

        h.download(ALT0, DfuFile.raw(bytes(3000, 2)), DfuseOptions.parse("0x08000000"));

        assertEquals(List.of("ERASE 0/3000", "ERASE 0/3000", "ERASE 2048/3000", "ERASE 3000/3000",
                "WRITE 0/3000", "WRITE 2048/3000", "WRITE 3000/3000"), events);
    }

    @Test
    void shouldCapTheTransferSizeAt4096LikeDfuUtilOnLinux() throws Exception {
        NorFlashFake f = new NorFlashFake(LAYOUT);
        SimulatedDfuDevice d = new SimulatedDfuDevice(new DfuStateMachine(DfuDeviceConfig.dfuse(8192), List.of(f)));

        DfuResult r = new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11)
                .download(ALT0, DfuFile.raw(bytes(10000, 9)), DfuseOptions.parse("0x08000000"));

        assertEquals(4096, r.transferSize());
        assertTrue(r.warnings().contains("Limited transfer size to 4096"), r.warnings().toString());
        assertEquals(List.of("DNLOAD 2 len 4096", "DNLOAD 2 len 4096", "DNLOAD 2 len 1808"),
                Traffic.lines(d).stream().filter(l -> l.startsWith("DNLOAD 2")).toList());
        assertArrayEquals(bytes(10000, 9), f.peek(0x08000000L, 10000));
    }

    @Test
    void shouldRaiseASmallTransferSizeToBMaxPacketSize0() throws Exception {
        SimulatedDfuDevice d = new SimulatedDfuDevice(new DfuStateMachine(DfuDeviceConfig.dfuse(64),
                List.of(new NorFlashFake(LAYOUT)))).maxPacketSize0(64);
        DfuHost h = new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11.withTransferSize(16));

        DfuResult r = h.upload(ALT0, DfuseOptions.parse("0x08000000:100"), 0);

        assertEquals(64, r.transferSize());
        assertEquals(List.of("Overriding device-reported transfer size 64 with 16", "Adjusted transfer size to 64"),
                r.warnings().subList(r.warnings().size() - 2, r.warnings().size()));
        assertEquals(100, r.data().length);
    }

    @Test
    void shouldReadUnprotectAndReturnAfterTheFirstPollAsTheDeviceResets() throws Exception {
        flash.poke(0x08000000L, new byte[]{1, 2, 3});
        flash.readProtected(true);

        DfuResult r = host.dfuseCommand(ALT0, DfuseOptions.parse(":unprotect:force"));

        List<String> lines = Traffic.lines(device);
        assertEquals(List.of("DNLOAD 0 [92]", "GETSTATUS"), lines.subList(lines.size() - 2, lines.size()));
        assertTrue(device.machine().hasLeft());
        assertArrayEquals(new byte[]{-1, -1, -1}, flash.peek(0x08000000L, 3));
        assertTrue(r.warnings().contains("Device disconnects, erases flash and resets now"), r.warnings().toString());
    }

    @Test
    void shouldRefuseABadSecondElementBeforeErasingForTheFirst() throws Exception {
        DfuseImage image = new DfuseImage(List.of(new DfuseImage.Target(0, "x", List.of(
                new DfuseImage.Element(0x08000000L, bytes(100, 1)),
                new DfuseImage.Element(0x0801FF00L, bytes(512, 2))))));

        DfuInputException e = assertThrows(DfuInputException.class, () -> host.download(ALT0,
                DfuFile.parse("x.dfu", image.toFile(0x0483, 0xDF11, 0)), null));

        assertTrue(e.getMessage().startsWith("Last page at 0x080200ff is not writeable"), e.getMessage());
        assertEquals(0, flash.count(Operation.ERASE));
    }
}
