package dev.stm32emu.periph.flash;

import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.time.Scheduler;

/**
 * Publishes {@link MachineEvent.FlashOperation}s for {@code --trace flash}. Half-word
 * programs close to each other (within 4 bytes, so a bootloader writing the high half
 * of each word first still forms one burst) are coalesced into one "program" event,
 * published when the burst ends: when something else is traced, when programming
 * moves elsewhere, or after 1 ms of virtual time without a program. Every completed
 * operation is therefore in the trace, a burst's result saying how many half-words it
 * holds.
 */
final class FlashTrace {
    private static final long QUIET_PS = 1_000_000_000L; // 1 ms

    private final MachineEvents events;
    private final Scheduler scheduler;
    private long burstStart;
    private long burstEnd;
    private int burstHalfWords;
    private long lastProgramPs;
    private Scheduler.Event quietCheck;

    FlashTrace(MachineEvents events, Scheduler scheduler) {
        this.events = events;
        this.scheduler = scheduler;
    }

    /** A half-word program at {@code address} completed. */
    void programmed(long address) {
        if (!events.hasSubscribers()) {
            return;
        }
        if (burstHalfWords > 0 && (address + 2 < burstStart - 4 || address > burstEnd + 4)) {
            flush();
        }
        if (burstHalfWords == 0) {
            burstStart = address;
            burstEnd = address + 2;
        } else {
            burstStart = Math.min(burstStart, address);
            burstEnd = Math.max(burstEnd, address + 2);
        }
        burstHalfWords++;
        lastProgramPs = scheduler.clock().nowPs();
        if (quietCheck == null) {
            quietCheck = scheduler.at(lastProgramPs + QUIET_PS, this::quietCheck);
        }
    }

    /** Any other operation or error: the current burst is published first. */
    void publish(String operation, long address, int length, String result) {
        flush();
        if (events.hasSubscribers()) {
            events.publish(new MachineEvent.FlashOperation(scheduler.clock().nowPs(), operation, address, length, result));
        }
    }

    /** Publishes the current burst, if any. */
    void flush() {
        if (burstHalfWords == 0) {
            return;
        }
        int halfWords = burstHalfWords;
        burstHalfWords = 0;
        events.publish(new MachineEvent.FlashOperation(scheduler.clock().nowPs(), "program", burstStart,
                (int) (burstEnd - burstStart), "ok, " + halfWords + (halfWords == 1 ? " half-word" : " half-words")));
    }

    private void quietCheck() {
        quietCheck = null;
        if (burstHalfWords == 0) {
            return;
        }
        long due = lastProgramPs + QUIET_PS;
        if (scheduler.clock().nowPs() >= due) {
            flush();
        } else {
            quietCheck = scheduler.at(due, this::quietCheck);
        }
    }
}
