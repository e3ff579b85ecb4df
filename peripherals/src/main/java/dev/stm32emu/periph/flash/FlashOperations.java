package dev.stm32emu.periph.flash;

import dev.stm32emu.core.time.Scheduler;

import java.lang.foreign.MemorySegment;

/**
 * The FPEC's one operation at a time, in virtual time: it starts (the controller sets
 * BSY), lasts its {@link FlashTiming} and ends with its memory effect, the trace event
 * and the controller's end-of-operation flags. Main-flash erases write 0xFF from Java, so
 * the CPU's translated code for the range is dropped through the {@link CodeInvalidator}:
 * at once when the end runs from a scheduler event (between CPU slices), or at the next
 * scheduler run when an access from the CPU forces an early end.
 */
final class FlashOperations {
    /**
     * An operation.
     *
     * @param effect      what it changes besides main flash (the option bytes), or null
     * @param eraseOffset main flash it fills with 0xFF when it ends, from this offset ...
     * @param eraseLength ... for this many bytes (0: none)
     */
    record Operation(String name, long address, int length, Runnable effect, long eraseOffset, long eraseLength) {
        static Operation of(String name, long address, int length) {
            return new Operation(name, address, length, null, 0, 0);
        }

        static Operation flashErase(String name, long offset, long length) {
            return new Operation(name, Stm32f1FlashController.FLASH_BASE + offset, (int) length, null, offset, length);
        }
    }

    private final Scheduler scheduler;
    private final MemorySegment flash;
    private final CodeInvalidator invalidator;
    private final FlashTrace trace;
    private final Runnable onEnd;
    private Operation pending;
    private Scheduler.Event pendingEnd;

    /** @param onEnd the controller's BSY/STRT/EOP update, run after each operation's effect */
    FlashOperations(Scheduler scheduler, MemorySegment flash, CodeInvalidator invalidator, FlashTrace trace, Runnable onEnd) {
        this.scheduler = scheduler;
        this.flash = flash;
        this.invalidator = invalidator;
        this.trace = trace;
        this.onEnd = onEnd;
    }

    void begin(Operation op, long durationPs) {
        finishNow();
        pending = op;
        pendingEnd = scheduler.after(durationPs, () -> end(false));
    }

    /** A flash access or STRT during an operation: the bus would stall until it ends, so it ends now. */
    void finishNow() {
        if (pending != null) {
            pendingEnd.cancel();
            end(true);
        }
    }

    /** A reset abandons the operation in progress; the memory keeps its old contents. */
    void abandon() {
        if (pending != null) {
            pendingEnd.cancel();
            trace.publish(pending.name(), pending.address(), pending.length(), "abandoned by a reset");
            pending = null;
        }
    }

    private void end(boolean insideCpuAccess) {
        Operation op = pending;
        pending = null;
        pendingEnd = null;
        if (op.effect() != null) {
            op.effect().run();
        }
        if (op.eraseLength() > 0) {
            flash.asSlice(op.eraseOffset(), op.eraseLength()).fill((byte) 0xFF);
            Runnable invalidate = () -> invalidator.invalidate(op.eraseOffset(), op.eraseLength());
            if (insideCpuAccess) {
                scheduler.after(0, invalidate);
            } else {
                invalidate.run();
            }
        }
        if (op.name().equals("program")) {
            trace.programmed(op.address());
        } else {
            trace.publish(op.name(), op.address(), op.length(), "ok");
        }
        onEnd.run();
    }
}
