package dev.stm32emu.cli.dfu;

import static dev.stm32emu.cli.dfu.DfuFileTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stm32emu.cli.dfu.DfuProbe.AltFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain DFU 1.1 devices (dfu-util 0.11 dfu_load.c; facts-usb §3.8). */
class DfuHostPlainTest {

    private final NorFlashFake flash = new NorFlashFake("@Flash/0x08000000/8*1Kg");

    private SimulatedDfuDevice device(int attributes) {
        return new SimulatedDfuDevice(new DfuStateMachine(
                DfuDeviceConfig.plain(1024).withAttributes(attributes), List.of(flash)));
    }

    @Test
    void shouldDownloadNumberedBlocksThenManifestAsDfuUtilDoes() throws Exception {
        SimulatedDfuDevice d = device(0x07);

        DfuResult r = new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11).download(AltFilter.ANY,
                DfuFile.parse("app.dfu", DfuFile.withSuffix(bytes(3000, 1), 0xFFFF, 0xFFFF, 0xFFFF)), null);

        assertEquals(List.of("SET_INTERFACE 0", "GETSTATUS",
                "DNLOAD 0 len 1024", "GETSTATUS", "GETSTATUS",
                "DNLOAD 1 len 1024", "GETSTATUS", "GETSTATUS",
                "DNLOAD 2 len 952", "GETSTATUS", "GETSTATUS",
                "DNLOAD 3 len 0", "GETSTATUS", "GETSTATUS"), Traffic.lines(d).subList(4, 18));
        assertEquals(18, d.log().size());
        assertArrayEquals(bytes(3000, 1), flash.peek(0x08000000L, 3000));
        assertEquals(DfuState.DFU_IDLE, d.machine().state());
        assertEquals(3 * 5, r.report().pollWaitMillis(), "only between polls, as dfu_load.c sleeps");
        assertEquals(3 * 5 + 1000, r.report().waitMillis(), "plus dfu-util's fixed second after dfuMANIFEST");
    }

    @Test
    void shouldResetADeviceThatWaitsForResetAfterManifestation() throws Exception {
        SimulatedDfuDevice d = device(0x03);

        DfuResult r = new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11).download(AltFilter.ANY, DfuFile.raw(bytes(100, 2)), null);

        assertEquals(1, r.report().count("RESET"));
        assertEquals(1, d.machine().resets());
        assertEquals(DfuState.APP_IDLE, d.machine().state());
    }

    @Test
    void shouldFailLikeDfuUtil011WhenTheResetMakesTheDeviceReenumerate() {
        SimulatedDfuDevice d = device(0x03).reenumerateOnReset(true);

        DfuTransferException e = assertThrows(DfuTransferException.class, () -> new DfuHost(d,
                DfuHostOptions.DFU_UTIL_0_11).download(AltFilter.ANY, DfuFile.raw(bytes(100, 2)), null));

        assertEquals("error resetting after download (dfu-util 0.11 fails here too): DISCONNECTED", e.getMessage());
    }

    @Test
    void shouldAcceptReenumerationAfterTheResetWhenTold() throws Exception {
        SimulatedDfuDevice d = device(0x03).reenumerateOnReset(true);

        DfuResult r = new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11.withTolerateResetReenumeration(true))
                .download(AltFilter.ANY, DfuFile.raw(bytes(100, 2)), null);

        assertTrue(r.warnings().contains("device re-enumerated after the reset"), r.warnings().toString());
    }

    @Test
    void shouldUploadNumberedBlocksUntilAShortFrameWithoutAbort() throws Exception {
        flash.poke(0x08000000L, bytes(8192, 3));
        SimulatedDfuDevice d = device(0x07);

        DfuResult r = new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11).upload(AltFilter.ANY, null, 8192);

        assertArrayEquals(bytes(8192, 3), r.data());
        List<String> after = Traffic.lines(d).subList(6, d.log().size());
        assertEquals(9, after.size());
        assertEquals("UPLOAD 0 len 1024", after.get(0));
        assertEquals("UPLOAD 8 len 1024", after.get(8));
    }

    @Test
    void shouldFailWhenTheUploadSizeDiffersFromTheExpectedSize() {
        SimulatedDfuDevice d = device(0x07);

        DfuException e = assertThrows(DfuException.class,
                () -> new DfuHost(d, DfuHostOptions.DFU_UTIL_0_11).upload(AltFilter.ANY, null, 5000));

        assertEquals("Unexpected number of bytes uploaded from device: 8192 instead of 5000", e.getMessage());
    }

    @Test
    void shouldReportAFailedBlockWithStateAndStatusNames() {
        flash.inject(DfuMemory.Operation.PROGRAM, 0x08000400L, DfuMemoryError.PROG, 1);
        SimulatedDfuDevice d = device(0x07);

        DfuProtocolException e = assertThrows(DfuProtocolException.class, () -> new DfuHost(d,
                DfuHostOptions.DFU_UTIL_0_11).download(AltFilter.ANY, DfuFile.raw(bytes(3000, 2)), null));

        assertEquals("Download of block 1 failed: device reported errPROG in state dfuERROR: "
                + "Program memory function failed.", e.getMessage());
    }
}
