package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.dfu.DfuInterface;
import dev.stm32emu.cli.dfu.DfuProgressListener.Phase;
import dev.stm32emu.cli.dfu.DfuReport;
import dev.stm32emu.cli.dfu.DfuStatusReport;
import dev.stm32emu.cli.dfu.MemoryLayout;
import dev.stm32emu.usbip.message.UsbDeviceInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@link FlashSession} did and found, filled in as it goes (a failed run keeps what
 * it got so far): the summary and the JSON report are written from it.
 */
public final class FlashOutcome {
    /** What the chip runs after the leave. */
    public enum Runs {
        /** Code in the app region ran. */
        APP,
        /** No app code ran and the bootloader exported its USB device again. */
        BOOTLOADER,
        /** Neither was seen. */
        NOTHING_SEEN
    }

    final AppFile app;
    final FlashSession.Options options;
    UsbDeviceInfo device;
    String product;
    DfuInterface dfuInterface;
    MemoryLayout layout;
    int transferSize;
    VerifyDecision verifyDecision;
    boolean verified;
    boolean downloaded;
    Map<Phase, PhaseClock.Duration> phases = Map.of();
    PhaseClock.Duration leaveDuration;
    final Map<String, Integer> requests = new TreeMap<>();
    long pollWaitMillis;
    long waitMillis;
    DfuStatusReport finalStatus;
    final List<String> warnings = new ArrayList<>();
    final Map<String, Boolean> pinsDriven = new LinkedHashMap<>();
    boolean leaveDone;
    boolean disconnected;
    AfterResetProbe.Result afterReset;
    int appResetHandler;
    Runs runs;
    String consoleAfterLeave;
    long totalWallNanos;
    String failure;
    int exitCode;

    FlashOutcome(AppFile app, FlashSession.Options options) {
        this.app = app;
        this.options = options;
    }

    /** 0 when everything that could be checked was; 1 for a device or DFU failure; 2 for bad input. */
    public int exitCode() {
        return exitCode;
    }

    /** One line saying why the run failed, or null. */
    public String failure() {
        return failure;
    }

    /** What runs after the leave, or null when there was no leave (or it failed before the reset). */
    public Runs runs() {
        return runs;
    }

    /** What the probe saw after the reset, or null. */
    public AfterResetProbe.Result afterReset() {
        return afterReset;
    }

    /** The console output from the leave on (the app's banner), or null. */
    public String consoleAfterLeave() {
        return consoleAfterLeave;
    }

    /** Whether the download was read back and matched. */
    public boolean verified() {
        return verified;
    }

    /** Total bwPollTimeout the device asked the host to wait, in ms. */
    public long pollWaitMillis() {
        return pollWaitMillis;
    }

    /** Wall time of the whole session, from waiting for the export to the end. */
    public long totalWallNanos() {
        return totalWallNanos;
    }

    void add(DfuReport r) {
        r.requests().forEach((k, v) -> requests.merge(k, v, Integer::sum));
        pollWaitMillis += r.pollWaitMillis();
        waitMillis += r.waitMillis();
    }

    void fail(int code, String message) {
        if (failure == null) {
            failure = message;
            exitCode = code;
        }
    }
}
