package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.TestJson;
import dev.stm32emu.cli.dfu.DfuFunctionalDescriptor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read-back decision. No firmware in the project has bitCanUpload cleared (ours and ST's
 * DfuSe bootloaders can upload), so the "cannot verify" path is checked here, from the
 * descriptor to the summary line and the report.
 */
class VerifyDecisionTest {

    private static DfuFunctionalDescriptor functional(int attributes) {
        return new DfuFunctionalDescriptor(9, attributes, 255, 1024, 0x011A);
    }

    @Test
    void readsBackWhenTheDeviceCanUpload() {
        VerifyDecision d = VerifyDecision.of(functional(DfuFunctionalDescriptor.CAN_DOWNLOAD
                | DfuFunctionalDescriptor.CAN_UPLOAD));
        assertTrue(d.verify());
        assertTrue(d.reason().contains("read back"), d.reason());
    }

    @Test
    void saysPlainlyThatADeviceWithoutBitCanUploadCannotBeVerified() {
        VerifyDecision d = VerifyDecision.of(functional(DfuFunctionalDescriptor.CAN_DOWNLOAD));
        assertFalse(d.verify());
        assertEquals("not verified: the device cannot upload (bitCanUpload is 0 in its DFU functional descriptor, "
                + "bmAttributes 0x01), so what was written cannot be read back", d.reason());
    }

    @Test
    void aDownloadThatCouldNotBeVerifiedStillSucceedsAndTheSummaryAndReportSayWhy() {
        AppFile app = AppFile.read(Path.of(System.getProperty("firmware.dir", "../firmware-samples/build"))
                .resolve("f103/blink-app-bluepill.bin"), null, 0x0800_8000L, 0);
        FlashOutcome o = new FlashOutcome(app, FlashSession.Options.of(0, false, Map.of(), FlashSession.Expect.EITHER));
        o.verifyDecision = VerifyDecision.of(functional(DfuFunctionalDescriptor.CAN_DOWNLOAD));
        o.downloaded = true;
        o.verified = o.verifyDecision.verify();
        assertEquals(0, o.exitCode(), "not being able to verify is not a failure");

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        FlashReport.Context c = new FlashReport.Context("bluepill", "stm32f103c8", "PB2",
                new FlashReport.FileInfo("boot.elf", 1, "00"), "127.0.0.1:1", "1-1");
        FlashSummary.print(new PrintStream(text, true, StandardCharsets.UTF_8), c, o);
        String summary = text.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("verified  no: the device cannot upload (bitCanUpload is 0"), summary);
        assertTrue(summary.contains("result    OK"), summary);

        Object json = TestJson.parse(FlashReport.write(c, o, 0, null));
        assertEquals(false, TestJson.at(json, "verify", "possible"));
        assertEquals(false, TestJson.at(json, "verify", "done"));
        assertEquals(o.verifyDecision.reason(), TestJson.at(json, "verify", "reason"));
        assertEquals(true, TestJson.at(json, "ok"));
    }
}
