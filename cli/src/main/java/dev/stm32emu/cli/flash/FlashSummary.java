package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.dfu.DfuProgressListener.Phase;

import java.io.PrintStream;
import java.util.Locale;

/** The human summary at the end of `stm32emu flash`: one labelled line per fact. */
public final class FlashSummary {
    private FlashSummary() {
    }

    public static void print(PrintStream out, FlashReport.Context c, FlashOutcome o) {
        out.println();
        out.println("summary");
        line(out, "board", c.board() + " (" + c.mcu() + ")");
        line(out, "app", String.format("%s, %,d bytes, %s", o.app.path().getFileName(), o.app.bytes(),
                formatName(o.app.format())));
        StringBuilder ranges = new StringBuilder();
        for (AppFile.Range r : o.app.elements()) {
            ranges.append(ranges.isEmpty() ? "" : ", ")
                    .append(String.format("0x%08x-0x%08x", r.address(), r.end() - 1));
        }
        boolean written = o.downloaded || o.phases.containsKey(Phase.VERIFY);
        line(out, "written", written ? String.format("%,d bytes at %s", o.app.payloadBytes(), ranges)
                : "nothing completed (" + ranges + " was the target)");
        line(out, "verified", verified(o));
        if (o.options.leave()) {
            line(out, "leave", leave(o));
            if (o.leaveDone) {
                line(out, "now runs", FlashSession.describeRuns(o));
            }
            if (o.consoleAfterLeave != null && o.runs == FlashOutcome.Runs.APP) {
                String banner = o.consoleAfterLeave.lines().filter(l -> !l.contains("dfu-bootloader"))
                        .findFirst().orElse(null);
                if (banner != null) {
                    line(out, "app says", banner.strip());
                }
            }
        } else {
            line(out, "leave", "not requested (--leave): the bootloader keeps running");
        }
        line(out, "time", time(o));
        for (String w : o.warnings) {
            line(out, "note", w);
        }
        line(out, "result", o.failure == null ? "OK" : "FAILED: " + o.failure);
    }

    private static String verified(FlashOutcome o) {
        if (o.verifyDecision == null) {
            return "no (the run ended before the device was probed)";
        }
        if (!o.verifyDecision.verify()) {
            return "no: " + o.verifyDecision.reason().replaceFirst("^not verified: ", "");
        }
        if (o.verified) {
            return String.format("yes: read back %,d bytes with DFU UPLOAD, identical", o.app.payloadBytes());
        }
        return o.phases.containsKey(Phase.VERIFY) ? "FAILED: the read-back differs"
                : "no (the download did not complete)";
    }

    private static String leave(FlashOutcome o) {
        StringBuilder b = new StringBuilder();
        if (!o.pinsDriven.isEmpty()) {
            o.pinsDriven.forEach((k, v) -> b.append(k).append('=').append(v ? 1 : 0).append(' '));
            b.append("driven, then ");
        }
        if (!o.leaveDone) {
            return o.downloaded ? b + "the leave request failed" : "not sent (the run ended before)";
        }
        b.append("the device answered ").append(FlashSession.describe(o.finalStatus));
        if (o.afterReset != null) {
            b.append(String.format(", reset (%s) at t=%.6fs", FlashSession.lower(o.afterReset.reset().kind()),
                    o.afterReset.reset().timePs() / 1e12));
        }
        b.append(o.disconnected ? ", USB/IP connection closed" : ", the connection stayed open");
        return b.toString();
    }

    private static String time(FlashOutcome o) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%.3f s wall", o.totalWallNanos / 1e9));
        for (Phase p : new Phase[]{Phase.ERASE, Phase.WRITE, Phase.VERIFY}) {
            PhaseClock.Duration d = o.phases.get(p);
            if (d != null) {
                b.append(String.format(Locale.ROOT, "; %s %.3f s (%.3f s virtual)", p.name().toLowerCase(Locale.ROOT),
                        d.wallNanos() / 1e9, d.virtualPs() / 1e12));
            }
        }
        b.append(String.format(Locale.ROOT, "; the device asked for %.3f s of waits (bwPollTimeout)",
                o.pollWaitMillis / 1e3));
        return b.toString();
    }

    private static String formatName(String format) {
        return switch (format) {
            case "raw" -> "raw binary";
            case "dfu" -> "raw binary with a DFU suffix";
            case "dfuse" -> "DfuSe file";
            case "elf" -> "ELF";
            case "hex" -> "Intel HEX";
            default -> format;
        };
    }

    private static void line(PrintStream out, String label, String text) {
        out.printf("  %-9s %s%n", label, text);
    }
}
