package dev.stm32emu.cli;

import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.time.Ticks;

import java.io.PrintStream;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Prints machine events for `--trace` and always reports firmware faults and lockups,
 * each line prefixed with its virtual time.
 */
final class EventPrinter implements Consumer<MachineEvent> {
    private static final int FAULT_REPORT_LIMIT = 10;
    private final PrintStream out;
    private final Set<BoardOptionsMixin.Trace> traces;
    private int faults;

    EventPrinter(PrintStream out, Set<BoardOptionsMixin.Trace> traces) {
        this.out = out;
        this.traces = traces;
    }

    @Override
    public void accept(MachineEvent e) {
        String t = "t=" + Ticks.formatSeconds(e.timePs());
        switch (e) {
            case MachineEvent.PinChange p when traces.contains(BoardOptionsMixin.Trace.GPIO) ->
                    out.println(t + " " + p.pin() + "=" + (p.level() ? 1 : 0));
            case MachineEvent.Reset r when traces.contains(BoardOptionsMixin.Trace.RESET) ->
                    out.printf("%s reset (%s), boot from %s, MSP=0x%08x PC=0x%08x%n", t,
                            r.kind().name().toLowerCase().replace('_', ' '), r.bootSource(), r.initialSp(), r.initialPc());
            case MachineEvent.FlashOperation f when traces.contains(BoardOptionsMixin.Trace.FLASH) ->
                    out.printf("%s flash %s 0x%08x +%d %s%n", t, f.operation(), f.address(), f.length(), f.result());
            case MachineEvent.ExceptionEntry x when traces.contains(BoardOptionsMixin.Trace.IRQ) ->
                    out.printf("%s %s %s (return to 0x%08x)%n", t, x.tailChained() ? "tail-chain" : "exception", x.name(),
                            x.returnAddress());
            case MachineEvent.Fault f -> reportFault(t, f);
            case MachineEvent.Lockup l -> out.printf("%s LOCKUP at PC 0x%08x: %s%n", t, l.pc(), l.reason());
            default -> {
            }
        }
        out.flush();
    }

    private void reportFault(String t, MachineEvent.Fault f) {
        faults++;
        if (faults > FAULT_REPORT_LIMIT) {
            if (faults == FAULT_REPORT_LIMIT + 1) {
                out.println(t + " (further faults are not reported)");
            }
            return;
        }
        int[] r = f.registers();
        out.printf("%s fault: %s at PC 0x%08x%s: %s%n", t, f.kind(), f.pc(), f.precisePc() ? "" : " (imprecise PC)",
                f.detail());
        out.printf("   r0=%08x r1=%08x r2=%08x r3=%08x r4=%08x r5=%08x r6=%08x r7=%08x%n", r[0], r[1], r[2], r[3], r[4],
                r[5], r[6], r[7]);
        out.printf("   r8=%08x r9=%08x r10=%08x r11=%08x r12=%08x sp=%08x lr=%08x xpsr=%08x%n", r[8], r[9], r[10], r[11],
                r[12], r[13], r[14], r[16]);
    }
}
